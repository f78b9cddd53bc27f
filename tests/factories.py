"""factory_boy factories for test data, bound to the current test's session."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from sw_gremien.accounts.models import GlobalRole, User
from sw_gremien.accounts.services import hash_password
from sw_gremien.bodies.models import Body, BodyKind, Membership, MembershipRole, Rhythm
from sw_gremien.proposals.models import ProposalType, ProposalTypeStep

PASSWORD = "richtiges-Passwort-123"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose

_registry: list[type[SQLAlchemyModelFactory]] = []


def bind(session) -> None:
    for factory_class in _registry:
        factory_class._meta.sqlalchemy_session = session


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        _registry.append(cls)


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@stuttgart.example")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = _PASSWORD_HASH
    locale = "de"
    active = True
    global_role = None


class AdminFactory(UserFactory):
    global_role = GlobalRole.ADMIN
    display_name = factory.Sequence(lambda n: f"Geschäftsstelle {n}")


class BodyFactory(BaseFactory):
    class Meta:
        model = Body

    short_name = factory.Sequence(lambda n: f"AG-{n}")
    slug = factory.LazyAttribute(lambda o: o.short_name.lower())
    name = factory.Sequence(lambda n: f"Arbeitsgruppe Nummer {n}")
    kind = BodyKind.WORKING_GROUP
    rhythm = Rhythm.QUARTERLY
    description = "Bereitet Vorlagen vor."
    has_public_part = False
    notice_period_days = 7
    # The forms allow 0–999; the sequence runs on over the whole session.
    position = factory.Sequence(lambda n: n % 1000)
    active = True


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    voting = True
    start_date = dt.date(2024, 1, 1)
    end_date = None
    note = ""


class ProposalTypeFactory(BaseFactory):
    """A type whose default path is: the own working group decides."""

    class Meta:
        model = ProposalType

    name = factory.Sequence(lambda n: f"Vorlagenart {n}")
    description = ""
    informational = False
    active = True
    # The forms allow 0–999; the sequence runs on over the whole session.
    position = factory.Sequence(lambda n: n % 1000)


def proposal_type(steps=(("origin", "decision"),), informational=False, **kw):
    """A proposal type with the given default path; "origin" is the own working group."""
    proposal_type = ProposalTypeFactory(informational=informational, **kw)
    proposal_type.steps = [
        ProposalTypeStep(position=i, role=role, body_id=None if body == "origin" else body.id)
        for i, (body, role) in enumerate(steps, start=1)
    ]
    ProposalTypeFactory._meta.sqlalchemy_session.flush()
    return proposal_type


def proposal(author, body, type_=None, complete=True, **fields):
    """A draft written through the service, as the app writes one."""
    from sw_gremien.proposals import services

    session = ProposalTypeFactory._meta.sqlalchemy_session
    values = dict(
        subject="Ehrenamtliche bieten Sprachcafés an." if complete else "",
        resolution="Die Arbeitsgruppe beschließt die Sprachcafés." if complete else "",
        reasoning="Sprache verbindet." if complete else "",
        districts={"mitte", "nord"} if complete else set(),
        cost_estimate=None,
    )
    values.update(fields)
    title = values.pop("title", "Sprachcafés in allen Bezirken")
    return services.create_proposal(session, author=author, origin_body=body,
                                    proposal_type=type_ or proposal_type(), title=title, **values)


# -- The Integrations-Fonds -----------------------------------------------------------------------
VALID_IBAN = "DE89370400440532013000"


def fund(budgets=None, **kw):
    """The fund with a budget per year ({year: amount}; default: this year 10.000 EUR)."""
    from decimal import Decimal

    from sw_gremien.funding.models import Fund, FundYear
    from sw_gremien.i18n import today

    session = ProposalTypeFactory._meta.sqlalchemy_session
    values = {"name": "Integrations-Fonds", "description": "", **kw}
    the_fund = Fund(**values)
    session.add(the_fund)
    session.flush()
    for year, budget in (budgets or {today().year: Decimal("10000.00")}).items():
        session.add(FundYear(fund_id=the_fund.id, year=year, budget=Decimal(budget)))
    session.flush()
    return the_fund


def organisation(contact=None, **kw):
    from sw_gremien.funding.models import Organisation

    session = ProposalTypeFactory._meta.sqlalchemy_session
    values = {"name": "Freundeskreis Flüchtlinge Süd", "kind": "circle", "district": "sued",
              "account_holder": "Freundeskreis Flüchtlinge Süd e. V.", "iban": VALID_IBAN, **kw}
    org = Organisation(**values)
    if contact is not None:
        org.contacts = [contact]
    session.add(org)
    session.flush()
    return org


def application(the_fund, org, author=None, costs=("1000.00",), requested="800.00", own="200.00",
                complete=True, **kw):
    """A draft application whose plan balances (costs = own funds + requested)."""
    import datetime as dt
    from decimal import Decimal

    from sw_gremien.funding.models import CostLine, FundApplication

    session = ProposalTypeFactory._meta.sqlalchemy_session
    values = dict(
        state="draft", fund_id=the_fund.id, fund=the_fund, organisation_id=org.id, organisation=org,
        created_by_id=author.id if author else None, title="Sprachcafé im Stadtteiltreff",
        description="Wöchentliches Sprachcafé für Neuzugewanderte." if complete else "",
        goals="Deutsch üben, Kontakte knüpfen.", target_group="Neuzugewanderte",
        districts=["sued"] if complete else [], period_start=dt.date(2027, 3, 1), period_end=dt.date(2027, 10, 31),
        expected_participants=25, own_funds=Decimal(own), requested_amount=Decimal(requested),
        account_holder=org.account_holder, iban=org.iban, no_early_start=complete, data_consent=complete,
    )
    values.update(kw)
    app = FundApplication(**values)
    app.cost_lines = [CostLine(position=i, category="material", description=f"Posten {i}", amount=Decimal(c))
                      for i, c in enumerate(costs, start=1)]
    session.add(app)
    session.flush()
    return app
