"""A test-only object governed by any workflow, so the engine is tested on the product's real
definitions before (and besides) the proposals, meetings and fund applications that use them.

Its table lives in a metadata of its own: it is created for the tests only and never belongs
to the application's schema.
"""

from __future__ import annotations

import transaction
from pyramid import testing
from sqlalchemy import JSON, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sw_gremien.db import NAMING_CONVENTION
from sw_gremien.security import body_principal, user_principal
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowMixin


class TestBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Specimen(WorkflowMixin, TestBase):
    """Stands in for a proposal, consultation, meeting or fund application."""

    __tablename__ = "test_specimens"
    __test__ = False  # not a pytest test class

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_name: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[int | None] = mapped_column(Integer)
    applicant_id: Mapped[int | None] = mapped_column(Integer)
    body_id: Mapped[int | None] = mapped_column(Integer)
    # What the object's own checks report, by guard topic; empty means "all fine".
    problems: Mapped[dict] = mapped_column(JSON, default=dict)
    role: Mapped[str] = mapped_column(String(20), default="decision")

    @property
    def __workflow__(self) -> str:
        return self.workflow_name

    def workflow_principals(self):
        body = self.body_id
        return {
            Role.AUTHOR: [user_principal(self.author_id)] if self.author_id else [],
            Role.APPLICANT: [user_principal(self.applicant_id)] if self.applicant_id else [],
            Role.BODY_MEMBER: [body_principal(body)] if body else [],
            Role.BODY_SECRETARY: [body_principal(body, "secretary")] if body else [],
            Role.BODY_CHAIR: [body_principal(body, "chair"), body_principal(body, "deputy_chair")] if body else [],
        }

    # The hooks the guards ask. -------------------------------------------------------------
    def _problems(self, topic):
        return list((self.problems or {}).get(topic, []))

    def submission_problems(self):
        return self._problems("submission")

    def consultation_path_problems(self):
        return self._problems("path")

    def has_agenda(self):
        return not self._problems("agenda")

    def notice_period_problems(self, request=None):
        return self._problems("notice")

    def missing_results(self, request=None):
        return self._problems("results")

    def financing_balanced(self):
        return not self._problems("financing")

    def qualifies_as_small_grant(self, request):
        return not self._problems("small_grant")

    def fund_balance_problems(self, request):
        return self._problems("balance")

    def proposal_undecided(self):
        return not self._problems("decided")

    def repayment_amount(self):
        return (self.problems or {}).get("repayment", 0)

    def early_start_problems(self):
        return self._problems("early_start")

    def proof_overdue_problems(self, locale="de"):
        return self._problems("proof_overdue")


# A principal set per symbolic role, for a specimen with author 1, applicant 2 and body 7.
AUTHOR_ID, APPLICANT_ID, BODY_ID, STRANGER_ID = 1, 2, 7, 3
COMMITTEE = "group:committee"
ROLE_PRINCIPALS = {
    Role.AUTHOR: [f"user:{AUTHOR_ID}"],
    Role.APPLICANT: [f"user:{APPLICANT_ID}"],
    Role.BODY_MEMBER: [f"user:{STRANGER_ID}", COMMITTEE, body_principal(BODY_ID), body_principal(BODY_ID, "member")],
    Role.BODY_SECRETARY: [f"user:{STRANGER_ID}", COMMITTEE, body_principal(BODY_ID), body_principal(BODY_ID, "secretary")],
    Role.BODY_CHAIR: [f"user:{STRANGER_ID}", COMMITTEE, body_principal(BODY_ID), body_principal(BODY_ID, "chair")],
    Role.COMMITTEE: [f"user:{STRANGER_ID}", COMMITTEE, body_principal(99)],
    Role.OFFICE: [f"user:{STRANGER_ID}", "role:admin"],
    Role.AUTHENTICATED: [f"user:{STRANGER_ID}"],
    Role.PUBLIC: [],
}


def principals_for_role(role: str) -> list[str]:
    from pyramid.authorization import Authenticated, Everyone

    extra = [] if role == Role.PUBLIC else [Authenticated]
    return [Everyone, *extra, *ROLE_PRINCIPALS[Role(role)]]


def make_request(app, dbsession, role: str = Role.PUBLIC, user=None, *, principals: list[str] | None = None,
                 method: str = "GET"):
    """A fake request for calling the workflow engine and services directly.

    Its principals are ``principals`` when given (e.g. ``security.principals_for(user, [])``
    for a real user), otherwise those of the symbolic ``role``. Firing a transition is a POST
    in the app, and some guards (the fund's balance lock) behave differently for it: pass
    ``method="POST"`` to fire as the app does."""
    if principals is not None and role != Role.PUBLIC:
        raise ValueError("give either a role or principals, not both")
    request = testing.DummyRequest(method=method)
    request.registry = app.registry
    request.dbsession = dbsession
    request.principals = principals_for_role(role) if principals is None else principals
    request.user = user
    request.workflows = app.registry["workflows"]
    request.locale_name = "de"
    # Mail is queued on the request's transaction; this one is never committed, so nothing is
    # sent from engine-level tests.
    request.tm = transaction.TransactionManager(explicit=True)
    request.tm.begin()
    return request


def new_specimen(dbsession, workflow_name: str, state: str | None = None, **kw) -> Specimen:
    workflow_initial = kw.pop("initial", None)
    specimen = Specimen(
        workflow_name=workflow_name,
        state=state or workflow_initial,
        author_id=AUTHOR_ID,
        applicant_id=APPLICANT_ID,
        body_id=BODY_ID,
        problems=kw.pop("problems", {}),
        **kw,
    )
    dbsession.add(specimen)
    dbsession.flush()
    return specimen
