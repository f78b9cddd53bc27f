"""Benchmarks that print numbers (``sw-gremien benchmark …``); tests never time anything.

    sw-gremien benchmark workflow [--fires 1000] [--database URL]

The workflow benchmark loads all workflow definitions (start-up cost), then fires the
proposal workflow's submit / return_for_rework cycle on a benchmark object, once inside one
transaction (flush per fire) and once with a commit after every fire, and prints median and
95th percentile per fire. Without --database it uses a temporary SQLite file.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from pyramid.authorization import Authenticated, Everyone
from sqlalchemy import Integer, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from sw_gremien import migrate
from sw_gremien.db import NAMING_CONVENTION, _configure_sqlite
from sw_gremien.paths import workflows_dir
from sw_gremien.security import user_principal
from sw_gremien.workflow import engine as wf_engine
from sw_gremien.workflow import guards
from sw_gremien.workflow.definitions import Role, load_directory
from sw_gremien.workflow.engine import WorkflowRegistry
from sw_gremien.workflow.models import WorkflowMixin


class _BenchBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class BenchmarkProposal(WorkflowMixin, _BenchBase):
    """A stand-in with the proposal workflow's columns; lives only in the benchmark."""

    __tablename__ = "benchmark_proposals"
    __workflow__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(Integer)

    def workflow_principals(self):
        return {Role.AUTHOR: [user_principal(self.author_id)], Role.BODY_SECRETARY: ["body:1:secretary"]}

    def submission_problems(self):
        return []


class _Registry(dict):
    def notify(self, event):
        pass


class _Request:
    def __init__(self, registry, dbsession, principals):
        self.registry = registry
        self.dbsession = dbsession
        self.principals = principals
        self.user = None
        self.workflows = registry["workflows"]


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def run_workflow_benchmark(url: str | None, fires: int = 1000) -> dict:
    results = {}
    started = time.perf_counter()
    workflows = load_directory(workflows_dir(), guards.is_known)
    results["load all workflows (ms)"] = (time.perf_counter() - started) * 1000

    tmp = None
    if url is None:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    migrate.upgrade(url)
    _BenchBase.metadata.create_all(engine)
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    registry = _Registry(workflows=WorkflowRegistry(workflows))
    author = [Everyone, Authenticated, user_principal(1)]
    secretary = [Everyone, Authenticated, "body:1:secretary"]

    def cycle(session, obj, i):
        if obj.state == "draft":
            return wf_engine.fire(obj, "submit", _Request(registry, session, author))
        return wf_engine.fire(obj, "return_for_rework", _Request(registry, session, secretary),
                              comment=f"Runde {i}")

    try:
        with Session.begin() as session:
            obj = BenchmarkProposal(author_id=1, state="draft")
            session.add(obj)
            session.flush()
            timings = []
            for i in range(fires):
                t0 = time.perf_counter()
                cycle(session, obj, i)
                timings.append((time.perf_counter() - t0) * 1000)
            session.rollback()
        results["fire, flush only: median (ms)"] = statistics.median(timings)
        results["fire, flush only: p95 (ms)"] = _percentile(timings, 0.95)

        with Session.begin() as session:
            obj = BenchmarkProposal(author_id=1, state="draft")
            session.add(obj)
        timings = []
        session = Session()
        for i in range(fires):
            t0 = time.perf_counter()
            obj = session.merge(obj, load=False) if i == 0 else obj
            cycle(session, obj, i)
            session.commit()
            timings.append((time.perf_counter() - t0) * 1000)
        session.close()
        results["fire + commit: median (ms)"] = statistics.median(timings)
        results["fire + commit: p95 (ms)"] = _percentile(timings, 0.95)
        results["fires per run"] = fires
        results["database"] = engine.dialect.name
    finally:
        _BenchBase.metadata.drop_all(engine)
        engine.dispose()
        if tmp is not None:
            tmp.cleanup()
    return results


def print_results(title: str, results: dict) -> None:
    print(title)
    width = max(len(key) for key in results)
    for key, value in results.items():
        shown = f"{value:10.3f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"  {key:<{width}}  {shown}")
