"""Many proposals with realistic consultation histories, fast: for the proposals benchmark.

    seed_proposals(connection, n)  after seed_demo, inside the caller's transaction

Rows are built in Python and written with Core ``insert()`` of many rows at once (no ORM
objects, no workflow engine), but they tell the same stories the engine would write: a
proposal's state, its consultations' states and dates, the WorkflowEvent history of both, the
reference number (V-YYYY-NNNN, numbered per year in the order of submission) and the
reference counters. The first proposals are always the same five "showcase" stories of the
working group AG-SA (a full history with a referral back, a draft, a returned draft, one to
check, one ready for an agenda), so every desk section and the filtered list have content at
any size; the rest are random (seeded, so a run is repeatable) over the three working groups,
the four proposal types, the years 2016–2026 and the 23 districts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert, select

from sw_gremien.bodies.models import Body, BodyKind, Membership
from sw_gremien.demo import DEMO_DOMAIN
from sw_gremien.districts import DISTRICTS
from sw_gremien.proposals.models import (
    Consultation,
    ConsultationRole,
    Proposal,
    ProposalAuthor,
    ProposalDistrict,
    ProposalType,
    ProposalTypeStep,
    ReferenceCounter,
)
from sw_gremien.workflow.models import WorkflowEvent

FIRST_DAY = dt.datetime(2016, 1, 4, 8, 0, tzinfo=dt.UTC)
BATCH = 2000
STATES = ("draft", "submitted", "in_consultation", "adopted", "rejected", "settled", "withdrawn")
STATE_WEIGHTS = (6, 5, 12, 44, 9, 12, 12)
SHOWCASE_BODY = "AG-SA"
SHOWCASE_DISTRICTS = ("mitte", "bad-cannstatt")
SEARCH_WORD = "Integration"

# -- Texts ---------------------------------------------------------------------------------------
MEASURES = (
    "Ausbau der Sprachkurse", "Förderung der Integration", "Begleitung beim Übergang in Ausbildung",
    "Einrichtung einer Beratungsstelle", "Verstetigung des Projekts „Ankommen“",
    "Weiterentwicklung der Sozialberatung", "Qualifizierung ehrenamtlicher Begleiterinnen und Begleiter",
    "Kinderbetreuung während der Integrationskurse", "Vermittlung von Wohnraum",
    "Ausbau der Schulsozialarbeit", "psychosoziale Versorgung", "Aufbau eines Dolmetscherpools",
    "Offenes Frauencafé", "Sportangebote im Quartier", "Hausaufgabenhilfe und Lernpatenschaften",
    "Digitale Teilhabe", "Integration in den Arbeitsmarkt", "Gesundheitslotsinnen und Gesundheitslotsen",
    "Mentoringprogramm zur beruflichen Integration", "Anerkennung ausländischer Berufsabschlüsse",
    "Begegnungsfest im Stadtteil", "Fortbildung zur interkulturellen Öffnung der Verwaltung",
    "Ferienprogramm für Kinder und Jugendliche", "Rechtsberatung im Asylverfahren",
    "Unterstützung beim Auszug aus der Gemeinschaftsunterkunft", "Elternarbeit an Kitas",
)
TARGETS = (
    "für geflüchtete Familien", "für unbegleitete minderjährige Geflüchtete", "für geflüchtete Frauen",
    "für junge Erwachsene", "für ältere Geflüchtete", "für Menschen mit Duldung",
    "für Alleinerziehende", "für Geflüchtete aus der Ukraine", "für Neuzugewanderte",
)
PLACES = ("in {district}", "im Stadtbezirk {district}", "in den Gemeinschaftsunterkünften",
          "stadtweit", "in {district} und {district2}")

SUBJECT_SENTENCES = (
    "In {district} leben derzeit rund {people} Geflüchtete in Gemeinschaftsunterkünften und Anschlussunterbringung.",
    "Die Arbeitsgruppe hat sich in mehreren Sitzungen mit der {measure_lc} befasst.",
    "Die Integration gelingt dort am besten, wo Haupt- und Ehrenamt eng zusammenarbeiten.",
    "Seit {year} besteht ein Angebot, das stark nachgefragt wird und regelmäßig Wartelisten hat.",
    "Das Sozialamt, das Jobcenter und die Freundeskreise berichten übereinstimmend von steigendem Bedarf.",
    "Die bisherige Finanzierung aus Mitteln des Pakts für Integration läuft zum Jahresende aus.",
    "Viele Familien finden nach dem Auszug aus der Unterkunft keinen Zugang zu Regelangeboten.",
    "Sprachbarrieren erschweren den Kontakt zu Schulen, Kitas, Ärztinnen und Ärzten.",
    "Die Träger im Stadtbezirk haben ein gemeinsames Konzept vorgelegt.",
    "Eine Auswertung des Vorjahres zeigt, dass {percent} Prozent der Teilnehmenden das Angebot abgeschlossen haben.",
    "Für die Umsetzung stehen geeignete Räume im Stadtteilzentrum zur Verfügung.",
    "Der Stuttgarter Weg setzt auf dezentrale Unterbringung und frühe gesellschaftliche Teilhabe.",
)
RESOLUTION_SENTENCES = (
    "Die Lenkungsgruppe stimmt der {measure_lc} {target} zu.",
    "Die Verwaltung wird beauftragt, die Maßnahme ab dem {quarter}. Quartal {next_year} umzusetzen.",
    "Für die Umsetzung werden Mittel in Höhe von {amount} Euro bereitgestellt.",
    "Über die Ergebnisse wird dem Internationalen Ausschuss im Folgejahr berichtet.",
    "Die Arbeitsgruppe begleitet die Umsetzung und legt einen Zwischenbericht vor.",
    "Die Maßnahme wird nach zwei Jahren ausgewertet.",
)
REASONING_SENTENCES = (
    "Die {measure_lc} stärkt die Teilhabe und entlastet die Sozialdienste.",
    "Ohne eine Verstetigung gehen aufgebaute Strukturen und Vertrauen verloren.",
    "Die Integration in Bildung und Arbeit ist das zentrale Ziel des Pakts für Integration.",
    "Vergleichbare Angebote in anderen Stadtbezirken haben sich bewährt.",
    "Die Kosten sind durch Zuschüsse des Landes teilweise gedeckt.",
    "Ehrenamtliche Initiativen können die Aufgabe allein nicht dauerhaft tragen.",
    "Die Maßnahme ist mit den Trägern der freien Wohlfahrtspflege abgestimmt.",
    "Der Bedarf ist durch die Zahlen der Sozialplanung belegt.",
)
RESULTS = {
    "recommended": ("Einstimmig empfohlen.", "Mit großer Mehrheit empfohlen.", "Empfohlen mit der Bitte um einen Zwischenbericht."),
    "decided": ("Beschlossen.", "Einstimmig beschlossen.", "Beschlossen mit einer Enthaltung."),
    "rejected": ("Abgelehnt: Die Finanzierung ist nicht gesichert.", "Abgelehnt: Das Angebot besteht bereits beim Jobcenter."),
    "noted": ("Zur Kenntnis genommen.", "Zur Kenntnis genommen; Bericht im Folgejahr erbeten."),
    "referred_back": ("Zurückverwiesen: Bitte die Kosten genauer aufschlüsseln.", "Zurückverwiesen: Abstimmung mit dem Jobcenter fehlt."),
}
RETURN_COMMENTS = ("Bitte die Begründung ergänzen.", "Der Beschlussvorschlag ist noch zu allgemein.",
                   "Bitte die betroffenen Stadtbezirke angeben.")
WITHDRAW_COMMENTS = ("Das Anliegen hat sich erledigt.", "Wird in einer gemeinsamen Vorlage aufgegangen.",
                     "Die Finanzierung kommt aus anderen Mitteln.")


# -- The structure seed_demo made ----------------------------------------------------------------
@dataclass
class _Structure:
    bodies: dict[str, int]
    working_groups: list[int]
    people: dict[int, dict[str, int]]  # body id → membership role → user id
    types: dict[str, tuple[int, bool, list[tuple[int | None, str]]]]

    @classmethod
    def load(cls, connection) -> _Structure:
        bodies = dict(connection.execute(select(Body.short_name, Body.id)).all())
        working_groups = list(connection.scalars(
            select(Body.id).where(Body.kind == BodyKind.WORKING_GROUP).order_by(Body.position)
        ))
        people: dict[int, dict[str, int]] = {}
        for body_id, role, user_id in connection.execute(
            select(Membership.body_id, Membership.role, Membership.user_id).order_by(Membership.id)
        ):
            people.setdefault(body_id, {}).setdefault(role, user_id)
        types = {}
        for type_id, name, informational in connection.execute(
            select(ProposalType.id, ProposalType.name, ProposalType.informational)
        ):
            steps = connection.execute(
                select(ProposalTypeStep.body_id, ProposalTypeStep.role)
                .where(ProposalTypeStep.type_id == type_id).order_by(ProposalTypeStep.position)
            ).all()
            types[name] = (type_id, informational, [tuple(s) for s in steps])
        if not working_groups or not types:
            raise RuntimeError("seed_demo must run before seed_proposals")
        return cls(bodies, working_groups, people, types)


@dataclass
class Story:
    """What the random (or showcase) generator decided for one proposal."""

    state: str
    type_name: str
    origin: int
    author: int
    returned: bool = False          # returned for rework once before
    referral: bool = False          # referred back in round 1, adopted/rejected in round 2
    open_at: int | None = None      # in consultation: index of the open step
    withdrawn_from: str | None = None
    pace: tuple[float, float] = (14.0, 75.0)
    ends_days_ago: float | None = None
    districts: tuple[str, ...] = ()
    co_authors: tuple[int, ...] = ()
    title: str | None = None


@dataclass
class SeedSummary:
    proposals: int = 0
    consultations: int = 0
    events: int = 0
    districts: int = 0
    states: Counter = field(default_factory=Counter)
    showcase_id: int | None = None   # the proposal with the fullest history (AG-SA)
    filters: dict = field(default_factory=dict)
    search_word: str = SEARCH_WORD


class _Builder:
    def __init__(self, structure: _Structure, rng: random.Random, now: dt.datetime):
        self.s = structure
        self.rng = rng
        self.now = now
        self.proposals: list[dict] = []
        self.consultations: list[dict] = []
        self.events: list[dict] = []
        self.districts: list[dict] = []
        self.authors: list[dict] = []
        self.submissions: list[tuple[dt.datetime, int]] = []  # (first submission, proposal index)
        self.next_consultation_id = 1

    # -- Texts -------------------------------------------------------------------------------
    def _values(self, districts) -> dict:
        rng = self.rng
        names = [DISTRICTS[d] for d in districts] or ["Mitte"]
        measure = rng.choice(MEASURES)
        return {
            "measure": measure, "measure_lc": measure[0].lower() + measure[1:],
            "target": rng.choice(TARGETS), "district": names[0], "district2": names[-1],
            "people": rng.randrange(80, 1400, 10), "year": rng.randrange(2012, 2025),
            "percent": rng.randrange(55, 95), "quarter": rng.randrange(1, 5),
            "next_year": rng.randrange(2017, 2028), "amount": f"{rng.randrange(2, 240) * 500:,}".replace(",", "."),
        }

    def _paragraph(self, sentences, values, k) -> str:
        return " ".join(s.format(**values) for s in self.rng.sample(sentences, k))

    def _texts(self, story: Story) -> dict:
        values = self._values(story.districts)
        place = self.rng.choice(PLACES).format(**values)
        title = story.title or f"{values['measure']} {values['target']} {place}"
        return {
            "title": title[:300],
            "subject": self._paragraph(SUBJECT_SENTENCES, values, 4) + "\n\n"
            + self._paragraph(SUBJECT_SENTENCES, values, 2),
            "resolution": "1. " + self._paragraph(RESOLUTION_SENTENCES, values, 1) + "\n2. "
            + self._paragraph(RESOLUTION_SENTENCES, values, 2),
            "reasoning": self._paragraph(REASONING_SENTENCES, values, 4),
        }

    # -- One proposal ---------------------------------------------------------------------------
    def add(self, story: Story) -> int:
        """Write one story as rows; returns the proposal id."""
        rng = self.rng
        pid = len(self.proposals) + 1
        type_id, informational, type_steps = self.s.types[story.type_name]
        steps = [(body or story.origin, role) for body, role in type_steps]
        secretary = self.s.people[story.origin]["secretary"]
        timeline: list[tuple[float, dict]] = []   # (day offset, event row without created_at)
        consultations: list[dict] = []
        cursor = 0.0
        fields = {"submitted": None, "first_submitted": None, "decided": None, "reference": False}

        def later(low=1.0, high=None) -> float:
            nonlocal cursor
            cursor += rng.uniform(low, high if high is not None else low * 3)
            return cursor

        def proposal_event(trigger, from_state, to_state, actor, comment=None):
            timeline.append((cursor, dict(object_type="proposals", object_id=pid, workflow="proposal",
                                          transition=trigger, from_state=from_state, to_state=to_state,
                                          actor_id=actor, comment=comment)))

        def consultation_event(c, trigger, to_state, actor=None, comment=None):
            timeline.append((cursor, dict(object_type="consultations", object_id=c["id"], workflow="consultation",
                                          transition=trigger, from_state=c["state"], to_state=to_state,
                                          actor_id=actor, comment=comment)))
            c["state"] = to_state

        def new_round(number):
            rows = []
            for position, (body, role) in enumerate(steps, start=1):
                rows.append(dict(id=self.next_consultation_id, proposal_id=pid, body_id=body, round=number,
                                 position=position, role=role, state="waiting", result="",
                                 opened_at=None, ended_at=None, agenda_item_id=None, version=1))
                self.next_consultation_id += 1
            consultations.extend(rows)
            return rows

        def submit():
            later(1, 20)
            proposal_event("submit", "draft", "submitted", story.author)
            fields["submitted"] = cursor
            if fields["first_submitted"] is None:
                fields["first_submitted"] = cursor
            fields["reference"] = True

        def return_for_rework():
            later(2, 14)
            proposal_event("return_for_rework", "submitted", "draft", secretary, rng.choice(RETURN_COMMENTS))

        def accept():
            later(3, 21)
            proposal_event("accept", "submitted", "in_consultation", secretary)

        def cancel_rest(rows):
            for c in rows:
                if c["state"] in ("waiting", "open", "scheduled"):
                    consultation_event(c, "cancel", "cancelled")

        def run_round(rows, *, open_at=None, refer_back=False, decision_outcome="decided"):
            """Open and end the steps in order; stop with one open step (open_at) or after a
            referral back; returns the proposal's state afterwards."""
            state = "in_consultation"
            for index, c in enumerate(rows):
                consultation_event(c, "open", "open")
                c["opened_at"] = cursor
                if open_at == index:
                    return state
                later(*story.pace)
                c["ended_at"] = cursor
                if refer_back and c["role"] == ConsultationRole.DECISION:
                    outcome = "referred_back"
                    consultation_event(c, "refer_back", outcome, self.s.people[c["body_id"]]["secretary"],
                                       rng.choice(RESULTS[outcome]))
                    c["result"] = timeline[-1][1]["comment"]
                    cancel_rest(rows)
                    proposal_event("refer_back", "in_consultation", "draft", None, c["result"])
                    return "draft"
                if c["role"] == ConsultationRole.PRELIMINARY:
                    outcome, trigger = "recommended", "recommend"
                elif c["role"] == ConsultationRole.NOTICE:
                    outcome, trigger = "noted", "take_note"
                else:
                    outcome = decision_outcome
                    trigger = "decide" if outcome == "decided" else "reject"
                c["result"] = rng.choice(RESULTS[outcome])
                consultation_event(c, trigger, outcome, self.s.people[c["body_id"]]["secretary"],
                                   c["result"] if trigger == "reject" or rng.random() < 0.3 else None)
                if c["role"] == ConsultationRole.DECISION:
                    final = "adopted" if outcome == "decided" else "rejected"
                    proposal_event("adopt" if outcome == "decided" else "reject", "in_consultation", final, None)
                    fields["decided"] = cursor
                    state = final
                later(0.1, 0.5)
            if state == "in_consultation":
                proposal_event("settle", "in_consultation", "settled", None)
                fields["decided"] = cursor
                state = "settled"
            return state

        # The story itself.
        state = "draft"
        rows = new_round(1)
        target = story.state
        from_state = story.withdrawn_from if target == "withdrawn" else None
        if story.returned:
            submit()
            return_for_rework()
        if target == "draft" or from_state == "draft":
            later(0.5, 10)
        else:
            submit()
            state = "submitted"
            if target != "submitted" and from_state != "submitted":
                accept()
                state = "in_consultation"
                if story.referral:
                    state = run_round(rows, refer_back=True)
                    later(10, 40)
                    submit()
                    accept()
                    rows = new_round(2)
                if target == "in_consultation" or from_state == "in_consultation":
                    open_at = story.open_at if story.open_at is not None else 0
                    state = run_round(rows, open_at=open_at)
                    if target == "in_consultation":
                        later(0.5, 20)
                else:
                    state = run_round(rows, decision_outcome="rejected" if target == "rejected" else "decided")
        if target == "withdrawn":
            later(2, 30)
            proposal_event("withdraw", state, "withdrawn", story.author, rng.choice(WITHDRAW_COMMENTS))
            cancel_rest(consultations)
            state = "withdrawn"
        assert state == target, (story, state)

        # Place the story in time: it ends a little before now.
        total = cursor
        if story.ends_days_ago is not None:
            end = self.now - dt.timedelta(days=story.ends_days_ago)
        else:
            recent = {"draft": 150, "submitted": 60, "in_consultation": 400}.get(target)
            earliest = self.now - dt.timedelta(days=recent) if recent else FIRST_DAY + dt.timedelta(days=total)
            latest = self.now - dt.timedelta(hours=rng.uniform(2, 72))
            span = max(0.0, (latest - max(earliest, FIRST_DAY + dt.timedelta(days=total))).total_seconds())
            end = latest - dt.timedelta(seconds=rng.uniform(0, span))
        start = end - dt.timedelta(days=total)

        def at(offset):
            return None if offset is None else start + dt.timedelta(days=offset)

        for offset, event in timeline:
            event["created_at"] = at(offset)
            self.events.append(event)
        for c in consultations:
            c["opened_at"], c["ended_at"] = at(c["opened_at"]), at(c["ended_at"])
        self.consultations.extend(consultations)

        texts = self._texts(story)
        cost = None if informational or rng.random() < 0.2 else Decimal(rng.randrange(5, 4000) * 50)
        self.proposals.append(dict(
            id=pid, reference=None, type_id=type_id, origin_body_id=story.origin, **texts,
            cost_estimate=cost, created_by_id=story.author, created_at=start, updated_at=end,
            submitted_at=at(fields["submitted"]), decided_at=at(fields["decided"]),
            public=False, state=state, version=1 + len([e for e in timeline if e[1]["object_type"] == "proposals"]),
        ))
        if fields["reference"]:
            self.submissions.append((at(fields["first_submitted"]), pid))
        for district in sorted(set(story.districts)):
            self.districts.append(dict(proposal_id=pid, district=district))
        for user_id in sorted(set(story.co_authors) - {story.author}):
            self.authors.append(dict(proposal_id=pid, user_id=user_id))
        for c in consultations:
            c["version"] = 1 + sum(1 for _, e in timeline
                                   if e["object_type"] == "consultations" and e["object_id"] == c["id"])
        return pid

    def number_references(self) -> list[dict]:
        """V-YYYY-NNNN in the order of first submission within each year."""
        counters: Counter = Counter()
        by_id = {p["id"]: p for p in self.proposals}
        for submitted, pid in sorted(self.submissions):
            counters[submitted.year] += 1
            by_id[pid]["reference"] = f"V-{submitted.year}-{counters[submitted.year]:04d}"
        return [dict(prefix="V", year=year, last_number=n) for year, n in sorted(counters.items())]


# -- The stories ---------------------------------------------------------------------------------
def _showcase(structure: _Structure) -> list[Story]:
    body = structure.bodies[SHOWCASE_BODY]
    people = structure.people[body]
    strategic = "Strategische Vorlage"
    fast = (4.0, 9.0)
    return [
        Story("adopted", strategic, body, people["member"], returned=True, referral=True, pace=fast,
              ends_days_ago=3, districts=SHOWCASE_DISTRICTS, co_authors=(people["secretary"], people["chair"]),
              title="Integration durch Ausbildung: Lotsenprogramm für junge Geflüchtete in Mitte und Bad Cannstatt"),
        Story("draft", strategic, body, people["secretary"], ends_days_ago=1, districts=("mitte",),
              title="Integration im Quartier: Sprachcafés in den Stadtteilbibliotheken"),
        Story("draft", "Vorlage Pakt für Integration", body, people["secretary"], returned=True,
              ends_days_ago=2, districts=("mitte", "nord"),
              title="Integration in den Arbeitsmarkt: Jobbörse für geflüchtete Frauen"),
        Story("submitted", "Arbeitsgruppen-Angelegenheit", body, people["member"], ends_days_ago=4,
              districts=("mitte",), title="Integration und Sport: Schwimmkurse für geflüchtete Kinder"),
        Story("in_consultation", strategic, body, people["chair"], open_at=0, ends_days_ago=5,
              districts=SHOWCASE_DISTRICTS, title="Gesellschaftliche Integration: Patenschaften in der Anschlussunterbringung"),
    ]


def _random_story(structure: _Structure, rng: random.Random) -> Story:
    state = rng.choices(STATES, STATE_WEIGHTS)[0]
    origin = rng.choice(structure.working_groups)
    people = structure.people[origin]
    if state == "settled":
        type_name = "Information"
    elif state in ("adopted", "rejected"):
        type_name = rng.choices(("Strategische Vorlage", "Vorlage Pakt für Integration",
                                 "Arbeitsgruppen-Angelegenheit"), (40, 30, 30))[0]
    else:
        type_name = rng.choices(("Strategische Vorlage", "Vorlage Pakt für Integration",
                                 "Arbeitsgruppen-Angelegenheit", "Information"), (35, 25, 25, 15))[0]
    steps = structure.types[type_name][2]
    decision = next((i for i, (_b, role) in enumerate(steps) if role == ConsultationRole.DECISION), len(steps) - 1)
    author = rng.choices((people["member"], people["secretary"], people["chair"]), (6, 2, 2))[0]
    district_keys = list(DISTRICTS)
    districts = tuple(district_keys) if rng.random() < 0.06 else tuple(rng.sample(district_keys, rng.choice((1, 1, 2, 3))))
    co_authors = (rng.choice([p for p in people.values() if p != author]),) if rng.random() < 0.25 else ()
    return Story(
        state=state, type_name=type_name, origin=origin, author=author,
        returned=rng.random() < 0.12,
        referral=state in ("adopted", "rejected") and len(steps) > 1 and rng.random() < 0.08,
        open_at=rng.randrange(0, decision + 1) if state == "in_consultation" else None,
        withdrawn_from=rng.choice(("draft", "submitted", "in_consultation")) if state == "withdrawn" else None,
        districts=districts, co_authors=co_authors,
    )


def seed_proposals(connection, n: int, seed: int = 2026, now: dt.datetime | None = None) -> SeedSummary:
    """N proposals with their histories, written with bulk inserts on ``connection`` (inside
    the caller's transaction). The database must be freshly migrated and seeded with
    seed_demo, without proposals."""
    structure = _Structure.load(connection)
    rng = random.Random(seed)
    builder = _Builder(structure, rng, now or dt.datetime.now(dt.UTC))
    stories = _showcase(structure)[:n]
    stories += [_random_story(structure, rng) for _ in range(n - len(stories))]
    for story in stories:
        builder.add(story)
    counters = builder.number_references()

    for table, rows in ((Proposal, builder.proposals), (ProposalDistrict, builder.districts),
                        (ProposalAuthor, builder.authors), (Consultation, builder.consultations),
                        (WorkflowEvent, builder.events), (ReferenceCounter, counters)):
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table.__table__), rows[start:start + BATCH])

    _advance_sequences(connection)
    summary = SeedSummary(
        proposals=len(builder.proposals), consultations=len(builder.consultations),
        events=len(builder.events), districts=len(builder.districts),
        states=Counter(p["state"] for p in builder.proposals),
    )
    if n:
        showcase = builder.proposals[0]
        summary.showcase_id = showcase["id"]
        summary.filters = {
            "gremium": str(showcase["origin_body_id"]), "art": str(showcase["type_id"]),
            "bezirk": SHOWCASE_DISTRICTS[0], "jahr": str(showcase["created_at"].year),
        }
    return summary


def _advance_sequences(connection) -> None:
    """The rows above carry their ids; on PostgreSQL the id sequences must follow, or the next
    row the application writes would collide."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("proposals", "consultations", "workflow_events"):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def demo_user_email(role_prefix: str = "schriftfuehrung", body: str = SHOWCASE_BODY) -> str:
    from sw_gremien.bodies.services import slugify

    return f"{role_prefix}.{slugify(body)}@{DEMO_DOMAIN}"

