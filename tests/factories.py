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
