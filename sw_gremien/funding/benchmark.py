"""The fund benchmark (``sw-gremien benchmark fund``): the Integrations-Fonds pages with N
applications, time and SQL statements.

    sw-gremien benchmark fund [--sizes 10,1000] [--repeat 20] [--database URL]

For each N: a fresh database (as in the proposals benchmark), the migrations, seed_demo (the
fund, its years 2015–2020 and the office), then N/10 organisations with N applications in a
fixed mix of states (every state of the workflow in each 20), each with its cost lines and the
history the engine would have written; the granted ones have their amount, fund year,
reference and proof deadline and the bookings of their story (commitment, payout, repayment
claim, repayment; sw_gremien.funding.services.book), and half of the paid ones are past their
proof deadline, so the overview lists overdue proofs. The office requests each page ``repeat``
times after a warm-up (the public list of granted projects anonymously): median and 95th
percentile of the wall time, the number of SQL statements, which must be the same for every
N, and the size of the answer. Timings are printed, never asserted.

The application list (/foerderung) shows the office every application and the grant list form
every one in review, without pages: their statements stay the same, their time and size grow
with N (the KB column shows it).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sw_gremien import migrate
from sw_gremien.accounts.models import User
from sw_gremien.db import utcnow
from sw_gremien.demo import DEMO_DOMAIN, OFFICE, seed_demo
from sw_gremien.districts import DISTRICTS
from sw_gremien.funding.models import (
    CENT,
    GRANTED_STATES,
    CostCategory,
    CostLine,
    FundApplication,
    FundYear,
    LedgerEntry,
    LedgerKind,
    Organisation,
    OrganisationKind,
)
from sw_gremien.funding.services import book, repayment_amount, the_fund
from sw_gremien.i18n import today
from sw_gremien.proposals.benchmark import (
    PageResult,
    StatementCounter,
    _engine,
    _login,
    build_app,
    fresh_database,
    statement_mismatches,
    time_page,
)
from sw_gremien.proposals.models import ReferenceCounter
from sw_gremien.workflow.models import WorkflowEvent

DEFAULT_SIZES = (10, 1000)
BATCH = 500
# The states of application i are STATE_MIX[i % 20]: every state of the workflow in each 20,
# and the first ten already hold a paid application past its proof deadline (the showcase),
# one not yet due, a grant, a closed one and applications in review.
STATE_MIX = (
    "paid", "in_review", "granted", "submitted", "closed", "paid", "draft", "proof_submitted",
    "repayment_claimed", "in_committee",
    "paid", "in_review", "info_requested", "closed", "submitted", "paid", "in_review", "rejected",
    "granted", "withdrawn",
)
# Of the paid ones, these positions in the mix are past their proof deadline.
OVERDUE_POSITIONS = (0, 10)
# The transitions that lead to each state (the history the engine would have written). "decide"
# stands for the grant: the office's small grant, or the grant list's decision above the limit.
PATHS = {
    "draft": (),
    "submitted": ("submit",),
    "in_review": ("submit", "start_review"),
    "info_requested": ("submit", "start_review", "request_info"),
    "in_committee": ("submit", "start_review", "refer_to_committee"),
    "rejected": ("submit", "start_review", "reject_formally"),
    "withdrawn": ("submit", "withdraw"),
    "granted": ("submit", "start_review", "decide"),
    "paid": ("submit", "start_review", "decide", "pay"),
    "proof_submitted": ("submit", "start_review", "decide", "pay", "submit_proof"),
    "repayment_claimed": ("submit", "start_review", "decide", "pay", "submit_proof", "claim_repayment"),
    "closed": ("submit", "start_review", "decide", "pay", "submit_proof", "accept_proof"),
}
STEP_TARGETS = {
    "submit": "submitted", "start_review": "in_review", "request_info": "info_requested",
    "refer_to_committee": "in_committee", "reject_formally": "rejected", "withdraw": "withdrawn",
    "grant_small": "granted", "grant": "granted", "pay": "paid", "submit_proof": "proof_submitted",
    "claim_repayment": "repayment_claimed", "accept_proof": "closed", "close": "closed",
}
# Fired by the applicant (no office actor) or by the grant list's decision (nobody).
APPLICANT_STEPS = ("submit", "submit_proof", "withdraw")
SYSTEM_STEPS = ("grant",)
STEP_DAYS = 7
ORGANISATION_KINDS = tuple(OrganisationKind)
ORGANISATION_NAMES = {
    OrganisationKind.CIRCLE: "Freundeskreis Flüchtlinge {}",
    OrganisationKind.INITIATIVE: "Initiative Ankommen {}",
    OrganisationKind.ASSOCIATION: "Begegnung {} e. V.",
    OrganisationKind.PROVIDER: "Integrationshilfe {} gGmbH",
}
PROJECTS = (
    "Sprachcafé im Stadtteiltreff", "Hausaufgabenhilfe für Kinder aus der Unterkunft",
    "Fahrradwerkstatt für Geflüchtete", "Interkulturelles Gartenprojekt", "Begegnungsfest im Quartier",
    "Nähwerkstatt und Kleiderkammer", "Ausflüge für Familien in der Region", "Patenschaften für Neuzugewanderte",
    "Fußballtraining für Jugendliche", "Kochabende mit Nachbarinnen und Nachbarn",
)
COSTS = (
    (CostCategory.PERSONNEL, "Honorar Sprachlehrerin"), (CostCategory.MATERIAL, "Lernmaterial"),
    (CostCategory.ROOMS, "Raummiete Stadtteilhaus"), (CostCategory.TRAVEL, "VVS-Tickets"),
    (CostCategory.CATERING, "Getränke und Imbiss"), (CostCategory.PUBLICITY, "Flyer und Plakate"),
)
IBAN = "DE89370400440532013000"  # a well-formed example IBAN (mod 97 checks out)
HOURLY_RATE = Decimal("15.00")


@dataclass
class FundSeedSummary:
    showcase_id: int = 0
    organisations: int = 0
    applications: int = 0
    cost_lines: int = 0
    bookings: int = 0
    events: int = 0
    overdue: int = 0
    states: Counter = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class FundBenchmarkResult:
    database: str = ""
    repeat: int = 0
    sizes: dict[int, dict[str, PageResult]] = field(default_factory=dict)
    kilobytes: dict[int, dict[str, float]] = field(default_factory=dict)
    seeds: dict[int, FundSeedSummary] = field(default_factory=dict)

    def statement_mismatches(self) -> dict[str, dict[int, int]]:
        return statement_mismatches(self.sizes)


# -- Seeding -------------------------------------------------------------------------------------
def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _path(state: str, index: int, granted: Decimal | None, small_grant_limit: Decimal) -> tuple[str, ...]:
    path = PATHS[state]
    if state == "closed" and index % 3 == 0:
        # Closed after paying back what the proof of use left over.
        path = path[:-1] + ("claim_repayment", "close")
    if "decide" in path:
        at = path.index("decide")
        decision = ("grant_small",) if granted <= small_grant_limit else ("refer_to_committee", "grant")
        path = path[:at] + decision + path[at + 1:]
    return path


def _application(index: int, organisation: Organisation, fund, year: FundYear, rng: random.Random,
                 now: dt.datetime) -> tuple[FundApplication, tuple[str, ...]]:
    """Application ``index`` in its state, and the transitions that led there."""
    state = STATE_MIX[index % len(STATE_MIX)]
    lines = [
        CostLine(position=position, category=category, description=description,
                 amount=_money(rng.randrange(100, 700, 10)))
        for position, (category, description) in enumerate(rng.sample(COSTS, rng.randint(1, 4)), start=1)
    ]
    total = sum((line.amount for line in lines), Decimal("0"))
    own = _money(total * Decimal("0.1"))
    hours = Decimal(rng.choice((0, 4, 8)) if total >= 400 else 0)
    requested = total - own - (hours * fund.hourly_rate).quantize(CENT)
    # Most grants give what was asked; every fourth 80 % of it, with a condition.
    granted = None
    if state in GRANTED_STATES:
        granted = requested if index % 4 else _money(requested * Decimal("0.8"))
    path = _path(state, index, granted, fund.small_grant_limit)
    # Old enough that the whole story lies in the past.
    submitted_at = now - dt.timedelta(days=STEP_DAYS * len(path) + rng.randint(1, 900))
    last_step = submitted_at + dt.timedelta(days=STEP_DAYS * max(0, len(path) - 1))
    application = FundApplication(
        state=state, fund=fund, fund_id=fund.id, organisation=organisation, organisation_id=organisation.id,
        title=f"{PROJECTS[index % len(PROJECTS)]} ({index + 1})",
        description="Wöchentliches Angebot der Ehrenamtlichen für Geflüchtete im Stadtteil. " * 4,
        goals="Deutsch üben, Kontakte knüpfen, ankommen.", target_group="Geflüchtete Familien und Jugendliche",
        districts=[organisation.district] if index % 7 else sorted(DISTRICTS),
        period_start=(submitted_at + dt.timedelta(days=40)).date(),
        period_end=(submitted_at + dt.timedelta(days=250)).date(),
        expected_participants=rng.randint(8, 60), own_funds=own, volunteer_hours=hours,
        third_party_funds=Decimal("0.00"), requested_amount=requested,
        account_holder=organisation.account_holder, iban=IBAN, no_early_start=True, data_consent=True,
        created_at=submitted_at - dt.timedelta(days=3), updated_at=last_step if path else submitted_at,
        submitted_at=submitted_at if path else None,
    )
    application.cost_lines = lines
    if path:
        application.reference = f"F-{submitted_at.year}-{index + 1:04d}"
    for decision in ("grant_small", "grant", "reject_formally"):
        if decision in path:
            application.decided_at = submitted_at + dt.timedelta(days=STEP_DAYS * path.index(decision))
    if granted is not None:
        application.granted_amount = granted
        application.recommended_amount = granted if "grant" in path else None
        application.conditions = "" if index % 4 else "Nachweis der Teilnehmerzahlen."
        application.fund_year_id = year.id
        if state == "paid":
            overdue = index % len(STATE_MIX) in OVERDUE_POSITIONS
            application.proof_deadline = today() + dt.timedelta(
                days=-rng.randint(5, 200) if overdue else rng.randint(10, 120))
        else:
            application.proof_deadline = application.period_end + dt.timedelta(days=90)
    if state in ("proof_submitted", "repayment_claimed", "closed"):
        application.proof_report = "Das Projekt hat stattgefunden wie geplant. " * 5
        # Spent as planned, except in the repayment stories: 70 % of every line, which leaves
        # something to pay back even of a grant cut to 80 %.
        spent = Decimal("0.7") if "claim_repayment" in path else Decimal("1")
        for line in lines:
            line.actual_amount = _money(line.amount * spent)
    if state in ("closed", "rejected", "withdrawn"):
        application.closed_at = last_step
    return application, path


def _events(application: FundApplication, path, office_id: int) -> list[WorkflowEvent]:
    events, state = [], "draft"
    for step, trigger in enumerate(path):
        target = STEP_TARGETS[trigger]
        events.append(WorkflowEvent(
            object_type=application.workflow_object_type(), object_id=application.id,
            workflow=application.__workflow__, transition=trigger, from_state=state, to_state=target,
            actor_id=None if trigger in APPLICANT_STEPS + SYSTEM_STEPS else office_id,
            created_at=application.submitted_at + dt.timedelta(days=STEP_DAYS * step),
            comment="Bitte den Kostenplan erläutern." if trigger in ("request_info", "reject_formally") else None,
        ))
        state = target
    return events


def _book_story(session, application: FundApplication, path, year: FundYear, office) -> int:
    """The bookings of the application's story, as its transitions make them
    (sw_gremien.funding.services.on_transition)."""
    granted = application.granted_amount
    claim = repayment_amount(application)
    bookings = []
    if "grant_small" in path or "grant" in path:
        bookings.append((LedgerKind.COMMITMENT, granted))
    if "pay" in path:
        bookings.append((LedgerKind.PAYOUT, granted))
    if "claim_repayment" in path:
        bookings.append((LedgerKind.REPAYMENT_CLAIM, claim))
        if "close" in path:
            bookings.append((LedgerKind.REPAYMENT, claim))
    for kind, amount in bookings:
        book(session, year, kind, amount, application=application, user=office, note=application.reference)
    return len(bookings)


def seed_fund_applications(session: Session, size: int) -> FundSeedSummary:
    """N/10 organisations with N applications after seed_demo; returns what was written."""
    started = time.perf_counter()
    rng = random.Random(size)
    fund = the_fund(session)
    years = list(session.scalars(select(FundYear).where(FundYear.fund_id == fund.id).order_by(FundYear.year)))
    office = session.scalar(select(User).where(User.email == f"{OFFICE[0]}@{DEMO_DOMAIN}"))
    now = utcnow()
    summary = FundSeedSummary()

    district_keys = sorted(DISTRICTS)
    organisations = []
    for n in range(max(1, size // 10)):
        kind, district = ORGANISATION_KINDS[n % len(ORGANISATION_KINDS)], district_keys[n % len(district_keys)]
        name = ORGANISATION_NAMES[kind].format(f"{DISTRICTS[district]} {n + 1}")
        organisations.append(Organisation(
            name=name, kind=kind, district=district, street=f"Hauptstraße {n + 1}", postcode="70173",
            email=f"kontakt{n + 1}@initiative.example", account_holder=name, iban=IBAN))
    session.add_all(organisations)
    session.flush()

    applications: list[FundApplication] = []
    paths: list[tuple[str, ...]] = []
    for start in range(0, size, BATCH):
        batch = [_application(index, organisations[index % len(organisations)], fund,
                              years[index % len(years)], rng, now)
                 for index in range(start, min(size, start + BATCH))]
        session.add_all([application for application, _path in batch])
        session.flush()
        applications += [application for application, _path in batch]
        paths += [path for _application, path in batch]

    events = []
    for index, (application, path) in enumerate(zip(applications, paths, strict=True)):
        events += _events(application, path, office.id)
        if application.state in GRANTED_STATES:
            summary.bookings += _book_story(session, application, path, years[index % len(years)], office)
    for start in range(0, len(events), BATCH * 4):
        session.add_all(events[start:start + BATCH * 4])
        session.flush()

    # The reference counters where the numbering would go on.
    numbers: dict[int, int] = {}
    for application in applications:
        if application.reference:
            _prefix, year, number = application.reference.split("-")
            numbers[int(year)] = max(numbers.get(int(year), 0), int(number))
    session.add_all([ReferenceCounter(prefix="F", year=year, last_number=last) for year, last in numbers.items()])
    session.flush()

    summary.showcase_id = applications[0].id
    summary.organisations = len(organisations)
    summary.applications = len(applications)
    summary.cost_lines = sum(len(a.cost_lines) for a in applications)
    summary.events = len(events)
    summary.overdue = sum(1 for a in applications if a.state == "paid" and a.proof_deadline < today())
    summary.states = Counter(a.state for a in applications)
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == summary.bookings
    summary.seconds = time.perf_counter() - started
    return summary


# -- Measuring -----------------------------------------------------------------------------------
def pages_for(showcase_id: int) -> list[tuple[str, str, bool]]:
    """(name, path, as the office); the last page is the public's."""
    return [
        ("fund overview", "/verwaltung/fonds", True),
        ("ledger CSV", "/verwaltung/fonds/buchungen.csv", True),
        ("application list", "/foerderung", True),
        ("application page (paid)", f"/foerderung/antraege/{showcase_id}", True),
        ("application PDF", f"/foerderung/antraege/{showcase_id}/antrag.pdf", True),
        ("grant list form", "/verwaltung/fonds/foerderliste", True),
        ("granted projects (public)", "/gefoerderte-projekte", False),
    ]


def run_fund_benchmark(url: str | None = None, sizes=DEFAULT_SIZES, repeat: int = 20,
                       progress=None) -> FundBenchmarkResult:
    say = progress or (lambda message: None)
    result = FundBenchmarkResult(repeat=repeat)
    for size in sizes:
        with fresh_database(url, size) as size_url:
            say(f"N={size}: migrating and seeding …")
            migrate.upgrade(size_url)
            engine = _engine(size_url)
            try:
                with Session(engine) as session, session.begin():
                    seed_demo(session, with_proposals=False)
                    summary = seed_fund_applications(session, size)
                say(f"N={size}: {summary.applications} applications of {summary.organisations} organisations, "
                    f"{summary.bookings} bookings seeded in {summary.seconds:.1f} s; measuring …")
                result.database = engine.dialect.name
                result.seeds[size] = summary
                counter = StatementCounter(engine)
                app, webtest = build_app(size_url, engine)
                office = _login(webtest, app, f"{OFFICE[0]}@{DEMO_DOMAIN}")
                public = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.78"})
                pages, kilobytes = {}, {}
                for name, path, as_office in pages_for(summary.showcase_id):
                    client = office if as_office else public
                    pages[name], response = time_page(client, path, counter, repeat, name)
                    kilobytes[name] = len(response.body) / 1024
                result.sizes[size] = pages
                result.kilobytes[size] = kilobytes
            finally:
                engine.dispose()
    return result


# -- Output --------------------------------------------------------------------------------------
def format_table(result: FundBenchmarkResult) -> str:
    sizes = sorted(result.sizes)
    header = ["page"] + [f"N={n} {column}" for n in sizes for column in ("median ms", "p95 ms", "statements", "KB")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    names = list(next(iter(result.sizes.values())).keys()) if result.sizes else []
    for name in names:
        cells = [name]
        for size in sizes:
            page = result.sizes[size][name]
            cells.append(f"{page.median_ms:.1f} | {page.p95_ms:.1f} | {page.statements} | "
                         f"{result.kilobytes[size][name]:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_report(result: FundBenchmarkResult) -> int:
    print(f"Fonds-Benchmark ({result.database}, {result.repeat} Abrufe je Seite, Geschäftsstelle; "
          "geförderte Projekte anonym)")
    for size, s in sorted(result.seeds.items()):
        states = ", ".join(f"{state} {count}" for state, count in sorted(s.states.items()))
        print(f"  N={size}: {s.applications} Anträge von {s.organisations} Organisationen, {s.cost_lines} "
              f"Kostenpositionen, {s.bookings} Buchungen, {s.events} Verlaufseinträge, {s.overdue} Nachweise "
              f"überfällig, in {s.seconds:.1f} s ({states})")
    print()
    print(format_table(result))
    mismatches = result.statement_mismatches()
    if mismatches:
        print(f"Statement-Anzahl wächst mit N: {mismatches}")
        return 1
    return 0
