"""factory_boy factories for test data, bound to the current test's session."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from sw_gremien.accounts.models import GlobalRole, User
from sw_gremien.accounts.services import hash_password
from sw_gremien.bodies.models import Body, BodyKind, Membership, MembershipRole, Rhythm

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
    position = factory.Sequence(lambda n: n)
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
