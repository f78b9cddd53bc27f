"""The cast of the proposal tests: the bodies of the Stuttgarter Weg (built by the factories),
the people in their roles, the seeded proposal types, and helpers that act through the pages
as a browser would."""

from __future__ import annotations

from dataclasses import dataclass, field

import webtest
from sqlalchemy import event, select

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, BodyKind, MembershipRole
from sw_gremien.proposals.models import Consultation, Proposal, ProposalType
from tests import factories
from tests.factories import AdminFactory, BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import login


@dataclass
class World:
    ag: Body
    ag2: Body
    lg: Body
    lgpi: Body
    ia: Body
    people: dict[str, User]
    types: dict[str, ProposalType]
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


def build_world() -> World:
    ag = BodyFactory(short_name="AG-SA", name="Arbeitsgruppe Soziale Arbeit")
    ag2 = BodyFactory(short_name="AG-PR", name="Arbeitsgruppe Projekt")
    lg = BodyFactory(short_name="LG-GI", name="Lenkungsgruppe gesellschaftliche Integration",
                     kind=BodyKind.STEERING_GROUP)
    lgpi = BodyFactory(short_name="LG-PI", name="Lenkungsgruppe für den Pakt für Integration",
                       kind=BodyKind.STEERING_GROUP)
    ia = BodyFactory(short_name="IA", name="Internationaler Ausschuss", kind=BodyKind.ADVISORY_COMMITTEE)

    def member(body, role=MembershipRole.MEMBER, name=None):
        user = UserFactory(display_name=name) if name else UserFactory()
        MembershipFactory(body=body, user=user, role=role)
        return user

    people = {
        "author": member(ag, name="Ada Autorin"),
        "coauthor": member(ag, name="Carl Mitautor"),
        "ag_member": member(ag, name="Mia Mitglied"),
        "guest": member(ag, MembershipRole.GUEST, name="Gustav Gast"),
        "ag_secretary": member(ag, MembershipRole.SECRETARY, name="Sabine Schriftführerin"),
        "ag_chair": member(ag, MembershipRole.CHAIR, name="Viktor Vorsitz"),
        "ag2_member": member(ag2, name="Paula Projekt"),
        "lg_secretary": member(lg, MembershipRole.SECRETARY, name="Lena Lenkung"),
        "lg_chair": member(lg, MembershipRole.CHAIR, name="Lutz Leitung"),
        "lg_member": member(lg, name="Lars Lenkungsmitglied"),
        "lgpi_secretary": member(lgpi, MembershipRole.SECRETARY, name="Pia Pakt"),
        "ia_secretary": member(ia, MembershipRole.SECRETARY, name="Ines Ausschuss"),
        "ia_member": member(ia, name="Ivo International"),
        "stranger": UserFactory(display_name="Stefan Fremd"),
        "admin": AdminFactory(display_name="Gerda Geschäftsstelle"),
    }
    types = {
        "strategic": factories.proposal_type(
            (("origin", "preliminary"), (lg, "decision"), (ia, "notice")), name="Strategische Vorlage"),
        "pact": factories.proposal_type(
            (("origin", "preliminary"), (lgpi, "decision")), name="Vorlage Pakt für Integration"),
        "wg": factories.proposal_type((("origin", "decision"),), name="Arbeitsgruppen-Angelegenheit"),
        "info": factories.proposal_type(((ia, "notice"),), informational=True, name="Information"),
    }
    return World(ag=ag, ag2=ag2, lg=lg, lgpi=lgpi, ia=ia, people=people, types=types)


def new_client(app) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.30"})


def as_user(testapp, user):
    """Log the browser in as ``user`` (logging out whoever was there)."""
    testapp.reset()
    login(testapp, user)
    return testapp


def german(app, message, mapping=None, locale="de") -> str:
    """A message as the German pages show it (whatever the catalogue says today)."""
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories

    directories = app.registry.queryUtility(ITranslationDirectories, default=[])
    return make_localizer(locale, directories).translate(message, mapping=mapping)


def page_url(proposal) -> str:
    return f"/vorlagen/{proposal.id}"


def transition_form(page, obj, trigger):
    """The form on a page that fires ``trigger`` on ``obj`` (a proposal or a consultation)."""
    suffix = f"/ablauf/{obj.workflow_object_type()}/{obj.id}/{trigger}"
    for form in page.forms.values():
        if form.action.endswith(suffix):
            return form
    return None


def triggers_on_page(page, obj) -> set[str]:
    prefix = f"/ablauf/{obj.workflow_object_type()}/{obj.id}/"
    return {form.action.rsplit("/", 1)[-1] for form in page.forms.values() if prefix in form.action}


def fire(testapp, proposal, trigger, obj=None, comment="", status=302):
    """Fire a transition through the proposal page's form, as the logged-in user."""
    page = testapp.get(page_url(proposal))
    form = transition_form(page, obj if obj is not None else proposal, trigger)
    assert form is not None, (trigger, triggers_on_page(page, obj if obj is not None else proposal))
    if "comment" in form.fields:
        form["comment"] = comment
    return form.submit(status=status)


def reload(dbsession, proposal) -> Proposal:
    dbsession.expire_all()
    return dbsession.get(Proposal, proposal.id)


def consultations(dbsession, proposal) -> list[Consultation]:
    dbsession.expire_all()
    return list(dbsession.scalars(
        select(Consultation).where(Consultation.proposal_id == proposal.id)
        .order_by(Consultation.round, Consultation.position)
    ))


def states(dbsession, proposal) -> list[tuple[int, str, str, str]]:
    """(round, body short name, role, state) of every step."""
    return [(c.round, c.body.short_name, c.role, c.state) for c in consultations(dbsession, proposal)]


class StatementCounter:
    """Counts the SQL statements the engine sends while the block runs."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _before(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)

    def __len__(self):
        return len(self.statements)


def count_statements(engine, testapp, url) -> int:
    with StatementCounter(engine) as counter:
        testapp.get(url, status=200)
    return len(counter)
