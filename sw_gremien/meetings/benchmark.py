"""The meetings benchmark (``sw-gremien benchmark meetings``): the agenda page, the agenda
builder, the minutes and both PDFs of a meeting with N agenda items, time and SQL statements.

    sw-gremien benchmark meetings [--sizes 5,40] [--repeat 20] [--database URL]

For each N: a fresh database (as in the proposals benchmark), the migrations, seed_demo, and
one AG-SA meeting with N agenda items, each a proposal's step with minutes text, resolution,
votes and outcome, and the attendance of its members (the meeting is "held": every page and
both PDFs exist). The AG-SA secretary requests each page ``repeat`` times after a warm-up:
median and 95th percentile of the wall time and the number of SQL statements, which must be
the same for every N. Timings are printed, never asserted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sw_gremien import migrate
from sw_gremien.bodies.models import Body, Membership
from sw_gremien.db import utcnow
from sw_gremien.demo import seed_demo
from sw_gremien.meetings import services
from sw_gremien.meetings.models import AgendaItem, ItemKind, Meeting
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
from sw_gremien.proposals.benchmark_data import demo_user_email
from sw_gremien.proposals.models import Consultation, Proposal, ProposalType

DEFAULT_SIZES = (5, 40)


@dataclass
class MeetingsBenchmarkResult:
    database: str = ""
    repeat: int = 0
    sizes: dict[int, dict[str, PageResult]] = field(default_factory=dict)

    def statement_mismatches(self) -> dict[str, dict[int, int]]:
        return statement_mismatches(self.sizes)


def seed_meeting(session: Session, items: int) -> int:
    """One held AG-SA meeting with ``items`` proposals on its agenda; returns its id."""
    body = session.scalar(select(Body).where(Body.short_name == "AG-SA"))
    proposal_type = session.scalars(select(ProposalType).order_by(ProposalType.position)).first()
    author_id = session.scalar(select(Membership.user_id).where(Membership.body_id == body.id))
    starts_at = utcnow() - dt.timedelta(hours=3)
    meeting = services.plan_meeting(session, body, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2),
                                    location="Rathaus, Raum 102", note="Bitte die Unterlagen mitbringen.")
    for number in range(1, items + 1):
        proposal = Proposal(
            state="in_consultation", reference=f"V-2026-{9000 + number:04d}", type_id=proposal_type.id,
            origin_body_id=body.id, title=f"Vorlage {number}: Sprachcafés und Patenschaften im Bezirk",
            subject="Sachverhalt " * 40, resolution="Die Arbeitsgruppe empfiehlt die Vorlage.",
            reasoning="Begründung " * 40, created_by_id=author_id, submitted_at=starts_at,
        )
        consultation = Consultation(state="scheduled", body_id=body.id, round=1, position=1,
                                    role="preliminary", opened_at=starts_at)
        proposal.consultations.append(consultation)
        session.add(proposal)
        meeting.items.append(AgendaItem(
            position=number, number=str(number), kind=ItemKind.CONSULTATION, title=proposal.title,
            consultation=consultation, minutes="Die Arbeitsgruppe berät ausführlich. " * 8,
            resolution="Die Arbeitsgruppe empfiehlt der Lenkungsgruppe, die Vorlage zu beschließen.",
            outcome="recommended", votes_yes=5, votes_no=1, votes_abstain=1,
        ))
    meeting.state = "held"
    meeting.convened_at = starts_at - dt.timedelta(days=10)
    session.flush()
    services.prepare_attendance(session, meeting)
    services.record_attendance(meeting, {row.user_id: ("present", "") for row in meeting.attendance})
    session.flush()
    return meeting.id


def pages_for(meeting_id: int) -> list[tuple[str, str]]:
    return [
        ("agenda page", f"/sitzungen/{meeting_id}"),
        ("agenda builder", f"/sitzungen/{meeting_id}/tagesordnung"),
        ("minutes page", f"/sitzungen/{meeting_id}/protokoll"),
        ("invitation PDF", f"/sitzungen/{meeting_id}/einladung.pdf"),
        ("minutes PDF", f"/sitzungen/{meeting_id}/protokoll.pdf"),
    ]


def run_meetings_benchmark(url: str | None = None, sizes=DEFAULT_SIZES, repeat: int = 20,
                           progress=None) -> MeetingsBenchmarkResult:
    say = progress or (lambda message: None)
    result = MeetingsBenchmarkResult(repeat=repeat)
    for size in sizes:
        with fresh_database(url, size) as size_url:
            say(f"N={size}: migrating and seeding …")
            migrate.upgrade(size_url)
            engine = _engine(size_url)
            try:
                with Session(engine) as session, session.begin():
                    seed_demo(session, with_proposals=False)
                    meeting_id = seed_meeting(session, size)
                result.database = engine.dialect.name
                counter = StatementCounter(engine)
                app, webtest = build_app(size_url, engine)
                client = _login(webtest, app, demo_user_email())
                pages = {}
                for name, path in pages_for(meeting_id):
                    # The agenda builder is for meetings before they are held: measured planned.
                    if name == "agenda builder":
                        _set_state(engine, meeting_id, "planned")
                    pages[name], _response = time_page(client, path, counter, repeat, name)
                    if name == "agenda builder":
                        _set_state(engine, meeting_id, "held")
                result.sizes[size] = pages
            finally:
                engine.dispose()
    return result


def _set_state(engine, meeting_id: int, state: str) -> None:
    with Session(engine) as session, session.begin():
        session.get(Meeting, meeting_id).state = state


def format_table(result: MeetingsBenchmarkResult) -> str:
    sizes = sorted(result.sizes)
    header = ["page"] + [f"N={n} {column}" for n in sizes for column in ("median ms", "p95 ms", "statements")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    names = list(next(iter(result.sizes.values())).keys()) if result.sizes else []
    for name in names:
        cells = [name]
        for size in sizes:
            page = result.sizes[size][name]
            cells.append(f"{page.median_ms:.1f} | {page.p95_ms:.1f} | {page.statements}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_report(result: MeetingsBenchmarkResult) -> int:
    print(f"Sitzungs-Benchmark ({result.database}, {result.repeat} Abrufe je Seite, Schriftführung AG-SA)")
    print(format_table(result))
    mismatches = result.statement_mismatches()
    if mismatches:
        print(f"Statement-Anzahl wächst mit N: {mismatches}")
        return 1
    return 0
