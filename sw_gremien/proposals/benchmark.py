"""The proposals benchmark (``sw-gremien benchmark proposals``): page times and SQL
statements per page at several database sizes.

    sw-gremien benchmark proposals [--sizes 100,10000] [--database URL] [--repeat 30]

For each size N: a fresh database (a temporary SQLite file; with --database a PostgreSQL URL
``…/bench`` a database ``bench_<N>`` is created and dropped afterwards, a SQLite URL
``…/bench.sqlite`` becomes ``bench_<N>.sqlite``), the migrations, seed_demo, N proposals with
their histories (sw_gremien.proposals.benchmark_data), then the application in-process under
WebTest. Two demo people log in — the AG-SA secretary (sees her working group's proposals and,
as a committee member, everything in consultation or decided) and the office (sees all) — and
each page is requested ``repeat`` times after one warm-up request: median and 95th percentile
of the wall time, and the number of SQL statements (an engine ``before_cursor_execute``
listener). The statement count of a page must not grow with N; a difference is a query per
row somewhere. Timings are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import secrets
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sw_gremien import migrate
from sw_gremien.db import _configure_sqlite, get_session_factory
from sw_gremien.demo import DEMO_PASSWORD, OFFICE, DEMO_DOMAIN, seed_demo
from sw_gremien.proposals.benchmark_data import SeedSummary, demo_user_email, seed_proposals

DEFAULT_SIZES = (100, 10_000)


@dataclass
class PageResult:
    name: str
    median_ms: float
    p95_ms: float
    statements: int              # the most frequent count over the repeats
    counts: tuple[int, ...] = ()  # every count seen (a session touch adds a write now and then)


def time_page(client, path: str, counter: StatementCounter, repeat: int, name: str) -> tuple[PageResult, object]:
    """One warm-up request (templates compiled, caches filled), then ``repeat`` timed ones with
    their statements counted; returns the result and the warm-up's response."""
    response = client.get(path, status=200)
    times, counts = [], []
    for _ in range(max(1, repeat)):
        counter.reset()
        started = time.perf_counter()
        client.get(path, status=200)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(counter.count)
    result = PageResult(name=name, median_ms=statistics.median(times), p95_ms=_percentile(times, 0.95),
                        statements=Counter(counts).most_common(1)[0][0], counts=tuple(sorted(set(counts))))
    return result, response


def statement_mismatches(sizes: dict[int, dict[str, PageResult]]) -> dict[str, dict[int, int]]:
    """Pages whose statement count differs between the sizes (a query per row): name → {size: count}."""
    names = {name for pages in sizes.values() for name in pages}
    mismatches = {}
    for name in sorted(names):
        counts = {size: pages[name].statements for size, pages in sizes.items() if name in pages}
        if len(set(counts.values())) > 1:
            mismatches[name] = counts
    return mismatches


@dataclass
class SizeResult:
    size: int
    seed_seconds: float
    summary: SeedSummary
    pages: dict[str, PageResult] = field(default_factory=dict)


@dataclass
class BenchmarkResult:
    database: str
    repeat: int
    sizes: list[SizeResult] = field(default_factory=list)

    def page_names(self) -> list[str]:
        names: list[str] = []
        for size in self.sizes:
            names += [n for n in size.pages if n not in names]
        return names

    def statement_mismatches(self) -> dict[str, dict[int, int]]:
        return statement_mismatches({s.size: s.pages for s in self.sizes})


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.keep:
            self.statements.append(statement)

    def reset(self) -> None:
        self.count = 0
        self.statements = []


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# -- A fresh database per size -------------------------------------------------------------------
@contextlib.contextmanager
def fresh_database(url: str | None, size: int):
    """Yield the URL of an empty database for this size; remove it afterwards."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="sw-gremien-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / f'bench_{size}.sqlite'}"
        return
    base = make_url(url)
    if base.get_backend_name() == "sqlite":
        if not base.database or base.database == ":memory:":
            raise SystemExit("benchmark: give a SQLite file URL, e.g. sqlite:///var/bench.sqlite")
        path = Path(base.database)
        path = path.with_name(f"{path.stem}_{size}{path.suffix or '.sqlite'}")
        if path.exists():
            raise SystemExit(f"benchmark: {path} exists; remove it first")
        try:
            yield base.set(database=str(path)).render_as_string(hide_password=False)
        finally:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        return
    if base.get_backend_name() != "postgresql":
        raise SystemExit("benchmark: --database takes a PostgreSQL or SQLite URL")
    name = f"{base.database or 'sw_gremien_bench'}_{size}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                raise SystemExit(f"benchmark: the database {name!r} exists; drop it first (it is never reused)")
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _engine(url: str):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


# -- Seeding -------------------------------------------------------------------------------------
def prepare_database(url: str, size: int) -> tuple[SeedSummary, float]:
    """Migrate, seed_demo, then N proposals; returns the summary and the seeding seconds."""
    migrate.upgrade(url)
    engine = _engine(url)
    try:
        with Session(engine) as session, session.begin():
            seed_demo(session, with_proposals=False)
        started = time.perf_counter()
        with engine.begin() as connection:
            summary = seed_proposals(connection, size)
        seconds = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            # What autovacuum does on a live database soon after a bulk load: planner statistics,
            # and the GIN index's pending list merged. Until then the planner shuns the search
            # index and runs to_tsvector on every row instead (0.5 s per search at 10,000).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        return summary, seconds
    finally:
        engine.dispose()


# -- Measuring -----------------------------------------------------------------------------------
def build_app(url: str, engine):
    import webtest

    from sw_gremien import main

    settings = {
        "sqlalchemy.url": url,
        "sw_gremien.dbsession_factory": get_session_factory(engine),
        "sw_gremien.secret": "benchmark-" + secrets.token_hex(24),
        "sw_gremien.mailer": "testing",
        "sw_gremien.upload_dir": tempfile.gettempdir(),
        "pyramid.default_locale_name": "de",
        "mail.default_sender": f"Stuttgarter Weg <gremien@{DEMO_DOMAIN}>",
        "retry.attempts": "1",
    }
    return main({}, **settings), webtest


def _login(webtest, app, email: str):
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.77"})
    form = client.get("/login").forms["login"]
    form["email"] = email
    form["password"] = DEMO_PASSWORD
    response = form.submit("login")
    if response.status_int != 302:
        raise RuntimeError(f"benchmark: login as {email} failed")
    return client


def pages_for(summary: SeedSummary) -> list[tuple[str, str]]:
    pages = [
        ("desk", "/schreibtisch"),
        ("list, page 1", "/vorlagen"),
        (f"list, search q={summary.search_word}", "/vorlagen?" + urlencode({"q": summary.search_word})),
        ("list, 4 filters", "/vorlagen?" + urlencode(summary.filters)),
    ]
    if summary.showcase_id is not None:
        pages.append(("proposal page (full history)", f"/vorlagen/{summary.showcase_id}"))
    return pages


def measure(app, webtest, counter: StatementCounter, summary: SeedSummary, repeat: int) -> dict[str, PageResult]:
    people = (("AG-SA secretary", demo_user_email()), ("office", f"{OFFICE[0]}@{DEMO_DOMAIN}"))
    results = {}
    for who, email in people:
        client = _login(webtest, app, email)
        for page, url in pages_for(summary):
            name = f"{page} ({who})"
            results[name], _response = time_page(client, url, counter, repeat, name)
    return results


def run_proposals_benchmark(url: str | None = None, sizes=DEFAULT_SIZES, repeat: int = 30,
                            progress=None) -> BenchmarkResult:
    say = progress or (lambda message: None)
    result = BenchmarkResult(database="", repeat=repeat)
    for size in sizes:
        with fresh_database(url, size) as size_url:
            say(f"N={size}: migrating and seeding …")
            summary, seconds = prepare_database(size_url, size)
            say(f"N={size}: {summary.proposals} proposals, {summary.consultations} consultations, "
                f"{summary.events} history entries seeded in {seconds:.1f} s; measuring …")
            engine = _engine(size_url)
            try:
                result.database = engine.dialect.name
                counter = StatementCounter(engine)
                app, webtest = build_app(size_url, engine)
                size_result = SizeResult(size=size, seed_seconds=seconds, summary=summary)
                size_result.pages = measure(app, webtest, counter, summary, repeat)
                result.sizes.append(size_result)
            finally:
                engine.dispose()
    return result


# -- Output --------------------------------------------------------------------------------------
def format_table(result: BenchmarkResult) -> str:
    header = ["page"]
    for size in result.sizes:
        header += [f"N={size.size} median ms", "p95", "statements"]
    rows = []
    for name in result.page_names():
        row = [name]
        for size in result.sizes:
            page = size.pages.get(name)
            if page is None:
                row += ["–", "–", "–"]
                continue
            statements = str(page.statements)
            if len(page.counts) > 1:
                statements += f" ({'/'.join(map(str, page.counts))})"
            row += [f"{page.median_ms:.1f}", f"{page.p95_ms:.1f}", statements]
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def print_report(result: BenchmarkResult) -> int:
    print(f"Vorlagen-Benchmark ({result.database}, {result.repeat} Wiederholungen je Seite)")
    for size in result.sizes:
        s = size.summary
        states = ", ".join(f"{state} {count}" for state, count in sorted(s.states.items()))
        print(f"  N={size.size}: {s.proposals} Vorlagen, {s.consultations} Beratungen, {s.events} "
              f"Verlaufseinträge, {s.districts} Bezirkszuordnungen in {size.seed_seconds:.1f} s ({states})")
    print()
    print(format_table(result))
    mismatches = result.statement_mismatches()
    if mismatches:
        print("\nDie Zahl der SQL-Anweisungen hängt von N ab:")
        for name, counts in mismatches.items():
            print(f"  {name}: " + ", ".join(f"N={n}: {c}" for n, c in counts.items()))
        return 1
    return 0
