"""Demo data: Stuttgart's six bodies and a demo person for every role.

Idempotent: it only adds what is missing, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from sw_gremien.accounts.models import GlobalRole, User
from sw_gremien.accounts.services import hash_password
from sw_gremien.bodies.models import Body, BodyKind, Membership, MembershipRole, Rhythm
from sw_gremien.bodies.services import slugify
from sw_gremien.proposals.models import ConsultationRole, Proposal, ProposalType, ProposalTypeStep

DEMO_PASSWORD = "Demo-Passwort-2026"
DEMO_DOMAIN = "stuttgart.example"
MEMBERSHIPS_START = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class BodySeed:
    short_name: str
    name: str
    kind: BodyKind
    rhythm: Rhythm
    has_public_part: bool
    description: str
    people: tuple[str, str, str]  # chair, secretary, member


BODIES = (
    BodySeed("AG-SA", "Arbeitsgruppe Soziale Arbeit", BodyKind.WORKING_GROUP, Rhythm.QUARTERLY, False,
             "Erarbeitet konkrete Lösungen für die soziale Arbeit mit Geflüchteten und bereitet "
             "strategische Entscheidungen der Lenkungsgruppen vor.",
             ("Sabine Keller", "Jonas Weber", "Aylin Demir")),
    BodySeed("AG-PR", "Arbeitsgruppe Projekt", BodyKind.WORKING_GROUP, Rhythm.QUARTERLY, False,
             "Begleitet Projekte des Stuttgarter Wegs und bereitet Vorlagen für die Lenkungsgruppen vor.",
             ("Thomas Brandt", "Miriam Vogel", "Lukas Schmid")),
    BodySeed("AG-FÖ", "Arbeitsgruppe Förderung", BodyKind.WORKING_GROUP, Rhythm.QUARTERLY, False,
             "Berät die Anträge an den Integrations-Fonds vor und empfiehlt Förderlisten.",
             ("Claudia Neumann", "Daniel Fischer", "Elena Popescu")),
    BodySeed("LG-GI", "Lenkungsgruppe gesellschaftliche Integration", BodyKind.STEERING_GROUP,
             Rhythm.TWICE_A_YEAR, False,
             "Stadtinterne Lenkungsgruppe; trifft seit 2017 die strategischen Entscheidungen zur "
             "gesellschaftlichen Integration.",
             ("Dr. Martin Krüger", "Sandra Wolf", "Karim Haddad")),
    BodySeed("LG-PI", "Lenkungsgruppe für den Pakt für Integration", BodyKind.STEERING_GROUP,
             Rhythm.TWICE_A_YEAR, False,
             "Trifft die strategischen Entscheidungen zum Pakt für Integration.",
             ("Andrea Schulz", "Felix Braun", "Nadia Rahimi")),
    BodySeed("IA", "Internationaler Ausschuss", BodyKind.ADVISORY_COMMITTEE, Rhythm.SEVERAL_A_YEAR, True,
             "Beratender Ausschuss des Gemeinderats; berät Themen aus Sozialamt, Jobcenter und "
             "weiteren Ämtern. Tagt mit öffentlichem und nichtöffentlichem Teil.",
             ("Bürgermeisterin Ulrike Maier", "Stefan Roth", "Fatma Yılmaz")),
)

ROLE_TITLES = {
    MembershipRole.CHAIR: "Vorsitz",
    MembershipRole.SECRETARY: "Schriftführung",
    MembershipRole.MEMBER: "Mitglied",
}

ROLE_PREFIX = {
    MembershipRole.CHAIR: "vorsitz",
    MembershipRole.SECRETARY: "schriftfuehrung",
    MembershipRole.MEMBER: "mitglied",
}

OFFICE = ("geschaeftsstelle", "Petra Hoffmann")
INITIATIVE = ("initiative", "Maria Schneider")


@dataclass
class Login:
    email: str
    name: str
    role: str


def _get_or_create_user(dbsession, email, name, password_hash, global_role=None) -> User:
    user = dbsession.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=name, password_hash=password_hash,
                    global_role=global_role, locale="de", active=True)
        dbsession.add(user)
        dbsession.flush()
    return user


# The proposal types of the Stuttgarter Weg with their default paths. None stands for the
# proposal's own working group.
# The proposal type whose decision grants the applications on it (sw_gremien.funding.grant_list).
GRANT_LIST_TYPE = "Förderliste"

PROPOSAL_TYPES = (
    ("Strategische Vorlage", False, "Strategische Entscheidung: Vorberatung in der Arbeitsgruppe, "
     "Entscheidung in der Lenkungsgruppe gesellschaftliche Integration, Kenntnisnahme im "
     "Internationalen Ausschuss.",
     ((None, ConsultationRole.PRELIMINARY), ("LG-GI", ConsultationRole.DECISION), ("IA", ConsultationRole.NOTICE))),
    ("Vorlage Pakt für Integration", False, "Vorberatung in der Arbeitsgruppe, Entscheidung in der "
     "Lenkungsgruppe für den Pakt für Integration.",
     ((None, ConsultationRole.PRELIMINARY), ("LG-PI", ConsultationRole.DECISION))),
    ("Arbeitsgruppen-Angelegenheit", False, "Entscheidet die Arbeitsgruppe selbst.",
     ((None, ConsultationRole.DECISION),)),
    ("Information", True, "Zur Kenntnisnahme im Internationalen Ausschuss.",
     (("IA", ConsultationRole.NOTICE),)),
    (GRANT_LIST_TYPE, False, "Anträge an den Integrations-Fonds: Vorberatung in der Arbeitsgruppe "
     "Förderung, Entscheidung in der Lenkungsgruppe gesellschaftliche Integration. Die "
     "Entscheidung bewilligt oder lehnt die Anträge der Liste ab.",
     (("AG-FÖ", ConsultationRole.PRELIMINARY), ("LG-GI", ConsultationRole.DECISION))),
)


def seed_structure(dbsession) -> dict[str, Body]:
    """The real structure: the six bodies and the proposal types. Idempotent; used by the
    demo and by a fresh production installation (``sw-gremien seed-structure``)."""
    bodies: dict[str, Body] = {}
    for position, seed in enumerate(BODIES, start=1):
        body = dbsession.scalar(select(Body).where(Body.short_name == seed.short_name))
        if body is None:
            body = Body(short_name=seed.short_name, slug=slugify(seed.short_name), name=seed.name,
                        kind=seed.kind, rhythm=seed.rhythm, has_public_part=seed.has_public_part,
                        description=seed.description, position=position, notice_period_days=7)
            dbsession.add(body)
            dbsession.flush()
        bodies[seed.short_name] = body
    for position, (name, informational, description, steps) in enumerate(PROPOSAL_TYPES, start=1):
        if dbsession.scalar(select(ProposalType.id).where(ProposalType.name == name)) is not None:
            continue
        dbsession.add(ProposalType(
            name=name, informational=informational, description=description, position=position,
            steps=[ProposalTypeStep(position=i, role=role, body_id=bodies[short].id if short else None)
                   for i, (short, role) in enumerate(steps, start=1)],
        ))
    dbsession.flush()
    seed_fund(dbsession)
    return bodies


FUND_NAME = "Integrations-Fonds"
FUND_DESCRIPTION = ("Der Integrations-Fonds (früher Welcome-Fonds) fördert ehrenamtliche Initiativen, "
                    "Freundeskreise und Projekte der Integration; die Daimler AG stellte für 2015 bis 2020 "
                    "615.000 EUR in Jahresbudgets bereit.")
# 615,000 EUR for 2015–2020, in equal yearly budgets.
FUND_BUDGETS = {year: "102500.00" for year in range(2015, 2021)}


def seed_fund(dbsession, extra_budgets: dict | None = None):
    """The fund and its yearly budgets (idempotent: existing years are kept as they are)."""
    from decimal import Decimal

    from sw_gremien.funding.models import Fund, FundYear

    fund = dbsession.scalar(select(Fund).where(Fund.name == FUND_NAME))
    if fund is None:
        fund = Fund(name=FUND_NAME, description=FUND_DESCRIPTION, hourly_rate=Decimal("15.00"),
                    small_grant_limit=Decimal("500.00"))
        dbsession.add(fund)
        dbsession.flush()
    known = set(dbsession.scalars(select(FundYear.year).where(FundYear.fund_id == fund.id)))
    for year, budget in {**FUND_BUDGETS, **(extra_budgets or {})}.items():
        if year not in known:
            dbsession.add(FundYear(fund_id=fund.id, year=year, budget=Decimal(budget)))
    dbsession.flush()
    return fund


# How many example proposals the demo shows, with their histories in every state.
DEMO_PROPOSALS = 30


def seed_demo(dbsession, with_proposals: bool = True) -> list[Login]:
    """Everything the demo shows. ``with_proposals=False`` leaves out the example proposals
    (tests and the benchmark bring their own)."""
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[Login] = []

    office_email = f"{OFFICE[0]}@{DEMO_DOMAIN}"
    _get_or_create_user(dbsession, office_email, OFFICE[1], password_hash, GlobalRole.ADMIN)
    logins.append(Login(office_email, OFFICE[1], "Geschäftsstelle (Administration)"))

    bodies = seed_structure(dbsession)
    for seed in BODIES:
        body = bodies[seed.short_name]
        for role, person in zip(ROLE_PREFIX, seed.people, strict=True):
            email = f"{ROLE_PREFIX[role]}.{body.slug}@{DEMO_DOMAIN}"
            user = _get_or_create_user(dbsession, email, person, password_hash)
            exists = dbsession.scalar(
                select(Membership.id).where(Membership.body_id == body.id, Membership.user_id == user.id)
            )
            if exists is None:
                dbsession.add(Membership(body_id=body.id, user_id=user.id, role=role, voting=True,
                                         start_date=MEMBERSHIPS_START))
            logins.append(Login(email, person, f"{seed.short_name}: {ROLE_TITLES[role]}"))

    initiative_email = f"{INITIATIVE[0]}@{DEMO_DOMAIN}"
    _get_or_create_user(dbsession, initiative_email, INITIATIVE[1], password_hash)
    logins.append(Login(initiative_email, INITIATIVE[1], "Initiative (Freundeskreis Flüchtlinge Süd)"))
    dbsession.flush()
    if with_proposals and dbsession.scalar(select(func.count()).select_from(Proposal)) == 0:
        from sw_gremien.proposals.benchmark_data import seed_proposals

        seed_proposals(dbsession.connection(), DEMO_PROPOSALS)
    if with_proposals:
        seed_meetings(dbsession, bodies)
        # A budget for this year too, so that the demo can grant (an assumption of the demo).
        from sw_gremien.i18n import today

        seed_fund(dbsession, {today().year: "100000.00"})
    return logins


DEMO_LOCATIONS = {
    "IA": "Rathaus, Großer Sitzungssaal, Marktplatz 1",
    "LG-GI": "Rathaus, Raum 301",
    "LG-PI": "Rathaus, Raum 301",
}


def seed_meetings(dbsession, bodies: dict) -> None:
    """The next meeting of every body, planned two weeks ahead (so the notice period can be
    kept when the demo convenes it) at 17:00 Stuttgart time. Only when there are none yet."""
    import datetime as dt

    from sw_gremien.i18n import local_to_utc, today
    from sw_gremien.meetings.models import Meeting
    from sw_gremien.meetings.services import plan_meeting

    if dbsession.scalar(select(func.count()).select_from(Meeting)):
        return
    for offset, (short_name, body) in enumerate(sorted(bodies.items())):
        day = today() + dt.timedelta(days=14 + offset)
        starts_at = local_to_utc(day, dt.time(17))
        plan_meeting(dbsession, body, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2),
                     location=DEMO_LOCATIONS.get(short_name, "Rathaus, Raum 102"))
