"""The rules of proposals and their consultation path.

Creating and editing, the path (default from the type, adjustable before it starts), the
reference number, and what follows a transition: a step that ends opens the next, the decision
step decides the proposal, a withdrawal cancels the rest, and the people concerned are told.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, false, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, BodyKind, Membership, MembershipRole
from sw_gremien.db import utcnow
from sw_gremien.i18n import _, today
from sw_gremien.proposals.models import (
    ConsultationRole,
    Consultation,
    Proposal,
    ProposalAuthor,
    ProposalDistrict,
    ProposalType,
    ReferenceCounter,
    path_rule_problems,
)
from sw_gremien.workflow import engine
from sw_gremien.security import CHAIR_ROLES, COMMITTEE_PRINCIPAL, bodies_in
from sw_gremien.workflow.definitions import Role

PATH_EDITABLE_STATES = frozenset({"draft", "submitted"})
REFERENCE_PREFIX = "V"


# -- Creating and editing ------------------------------------------------------------------------
@dataclass(frozen=True)
class PathStep:
    body_id: int
    role: str


def default_path(proposal_type: ProposalType, origin_body: Body) -> list[PathStep]:
    return [PathStep(step.body_id or origin_body.id, step.role) for step in proposal_type.steps]


def create_proposal(dbsession, *, author: User, origin_body: Body, proposal_type: ProposalType,
                    title: str, **fields) -> Proposal:
    proposal = Proposal(
        state="draft",
        type_id=proposal_type.id,
        proposal_type=proposal_type,
        origin_body_id=origin_body.id,
        origin_body=origin_body,
        title=title,
        created_by_id=author.id,
        subject="",
        resolution="",
        reasoning="",
    )
    dbsession.add(proposal)
    apply_fields(dbsession, proposal, fields)
    dbsession.flush()
    replace_path(dbsession, proposal, default_path(proposal_type, origin_body))
    return proposal


EDITABLE_FIELDS = ("title", "subject", "resolution", "reasoning", "cost_estimate")


def apply_fields(dbsession, proposal: Proposal, fields: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(proposal, name, fields[name])
    if "districts" in fields:
        wanted = set(fields["districts"])
        proposal.district_rows = [row for row in proposal.district_rows if row.district in wanted] + [
            ProposalDistrict(district=d) for d in sorted(wanted - set(proposal.districts))
        ]
    if "co_author_ids" in fields:
        ids = set(fields["co_author_ids"]) - {proposal.created_by_id}
        proposal.co_authors = list(dbsession.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def change_type(dbsession, proposal: Proposal, proposal_type: ProposalType) -> None:
    """A new type brings its default path, as long as the path has not started."""
    if proposal.type_id == proposal_type.id:
        return
    proposal.type_id = proposal_type.id
    proposal.proposal_type = proposal_type
    if path_is_editable(proposal):
        replace_path(dbsession, proposal, default_path(proposal_type, proposal.origin_body))


def path_is_editable(proposal: Proposal) -> bool:
    return proposal.state in PATH_EDITABLE_STATES and all(c.state == "waiting" for c in proposal.current_round)


def replace_path(dbsession, proposal: Proposal, steps: list[PathStep]) -> None:
    """Set the steps of the current round (all still waiting)."""
    round_number = max((c.round for c in proposal.consultations), default=1)
    for consultation in list(proposal.current_round):
        proposal.consultations.remove(consultation)
        dbsession.delete(consultation)
    for position, step in enumerate(steps, start=1):
        proposal.consultations.append(
            Consultation(state="waiting", body_id=step.body_id, role=step.role, position=position,
                         round=round_number)
        )
    dbsession.flush()


def path_problems(steps: list[PathStep], proposal_type: ProposalType) -> list:
    return path_rule_problems([step.role for step in steps], proposal_type.informational)


# -- Who ---------------------------------------------------------------------------------------
def members_with_roles(dbsession, body_id: int, roles: tuple[str, ...]) -> list[User]:
    return list(dbsession.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.body_id == body_id, Membership.role.in_(roles), Membership.active_on(today()),
            User.active.is_(True),
        ).order_by(User.display_name)
    ))


def secretaries(dbsession, body_id: int) -> list[User]:
    return members_with_roles(dbsession, body_id, (MembershipRole.SECRETARY,))


def authors(proposal: Proposal) -> list[User]:
    return [proposal.created_by, *proposal.co_authors]


def working_groups_of(dbsession, user: User) -> list[Body]:
    """The working groups the user may write proposals for: current membership (or the
    office, for all of them)."""
    query = select(Body).where(Body.kind == BodyKind.WORKING_GROUP, Body.active.is_(True))
    if not user.is_admin:
        query = query.join(Membership, Membership.body_id == Body.id).where(
            Membership.user_id == user.id, Membership.active_on(today()),
            Membership.role != MembershipRole.GUEST,
        )
    return list(dbsession.scalars(query.order_by(Body.position, Body.name)).unique())


# -- Reference numbers --------------------------------------------------------------------------
def next_reference(dbsession, year: int, prefix: str = REFERENCE_PREFIX) -> str:
    """V-2026-0042. The counter row is created if missing and incremented in one locking
    UPDATE … RETURNING inside the caller's transaction: concurrent submissions queue on the
    row, a rollback gives the number back, so there are neither gaps nor duplicates."""
    dialect = dbsession.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    dbsession.execute(
        insert(ReferenceCounter).values(prefix=prefix, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["prefix", "year"])
    )
    number = dbsession.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    ).scalar_one()
    return f"{prefix}-{year}-{number:04d}"


# -- What follows a transition ----------------------------------------------------------------
def on_transition(event: engine.ObjectTransitioned) -> None:
    if isinstance(event.object, Proposal):
        _after_proposal_transition(event)
    elif isinstance(event.object, Consultation):
        _after_consultation_transition(event)


def _proposal_link(request, proposal) -> str:
    from sw_gremien.mail import public_url

    return public_url(request, "proposal", proposal_id=proposal.id)


def _after_proposal_transition(event) -> None:
    proposal: Proposal = event.object
    request = event.request
    trigger = event.transition.trigger
    from sw_gremien.notifications.services import notify

    values = {"proposal": proposal, "comment": event.event.comment}
    if trigger == "submit":
        if proposal.reference is None:
            proposal.reference = next_reference(request.dbsession, today().year)
        proposal.submitted_at = utcnow()
        notify(request, secretaries(request.dbsession, proposal.origin_body_id),
               _("New proposal to check"), "proposals/mail_submitted.txt.jinja2", values,
               _proposal_link(request, proposal))
    elif trigger == "return_for_rework":
        notify(request, authors(proposal), _("Your proposal was returned for rework"),
               "proposals/mail_returned.txt.jinja2", values, _proposal_link(request, proposal))
    elif trigger == "accept":
        if not any(c.state == "waiting" for c in proposal.current_round):
            _start_new_round(request.dbsession, proposal)
        _open_next_step(request, proposal)
    elif trigger == "withdraw":
        for consultation in proposal.consultations:
            if consultation.state in ("open", "scheduled"):
                # Its body may have it on an agenda already: tell its secretaries.
                notify(request, secretaries(request.dbsession, consultation.body_id),
                       _("A proposal has been withdrawn"), "proposals/mail_withdrawn.txt.jinja2",
                       {**values, "consultation": consultation}, _proposal_link(request, proposal))
            if consultation.state in ("waiting", "open", "scheduled"):
                engine.fire(consultation, "cancel", request, as_system=True)
    elif trigger in ("adopt", "reject", "settle"):
        proposal.decided_at = utcnow()
        notify(request, authors(proposal), _("A decision on your proposal"),
               "proposals/mail_decided.txt.jinja2", values, _proposal_link(request, proposal))
    elif trigger == "refer_back":
        # The next round's steps exist at once, so the path can be adjusted before it runs again.
        _start_new_round(request.dbsession, proposal)
        notify(request, authors(proposal), _("Your proposal was referred back"),
               "proposals/mail_referred_back.txt.jinja2", values, _proposal_link(request, proposal))


def _start_new_round(dbsession, proposal: Proposal) -> None:
    """After a referral back, the path runs again with the same bodies and roles (adjustable
    until it is accepted again)."""
    previous = proposal.current_round
    round_number = max(c.round for c in previous) + 1
    for position, step in enumerate(previous, start=1):
        proposal.consultations.append(
            Consultation(state="waiting", body_id=step.body_id, role=step.role, position=position,
                         round=round_number)
        )
    dbsession.flush()


def _open_next_step(request, proposal: Proposal) -> bool:
    for consultation in proposal.current_round:
        if consultation.state == "waiting":
            engine.fire(consultation, "open", request, as_system=True)
            return True
    return False


def _open_next_notice_step(request, proposal: Proposal) -> None:
    """After the decision only steps for information run (the path rule allows no other, this
    keeps it so for paths written before the rule)."""
    for consultation in proposal.current_round:
        if consultation.state != "waiting":
            continue
        if consultation.role == ConsultationRole.NOTICE:
            engine.fire(consultation, "open", request, as_system=True)
            return
        engine.fire(consultation, "cancel", request, as_system=True)


def _after_consultation_transition(event) -> None:
    consultation: Consultation = event.object
    request = event.request
    trigger = event.transition.trigger
    proposal = consultation.proposal
    from sw_gremien.notifications.services import notify

    if trigger == "open":
        consultation.opened_at = utcnow()
        notify(request, secretaries(request.dbsession, consultation.body_id),
               _("A proposal is ready for your agenda"), "proposals/mail_opened.txt.jinja2",
               {"proposal": proposal, "consultation": consultation}, _proposal_link(request, proposal))
        return
    if not consultation.ended or trigger == "cancel":
        return
    consultation.ended_at = utcnow()
    if event.event.comment:
        consultation.result = event.event.comment
    if proposal.state != "in_consultation":
        # Decided already: a later notice step still runs to its end.
        _open_next_notice_step(request, proposal)
        return
    if trigger == "refer_back":
        for later in proposal.current_round:
            if later.state == "waiting":
                engine.fire(later, "cancel", request, as_system=True)
        engine.fire(proposal, "refer_back", request, comment=event.event.comment, as_system=True)
        return
    if consultation.role == ConsultationRole.DECISION and trigger in ("decide", "reject"):
        engine.fire(proposal, "adopt" if trigger == "decide" else "reject", request, as_system=True)
        _open_next_notice_step(request, proposal)
        return
    if not _open_next_step(request, proposal):
        engine.fire(proposal, "settle", request, as_system=True)


# -- Lists and the desk ---------------------------------------------------------------------------
def visible_condition(request, workflow) -> object:
    """SQL condition: the proposals the current user may view, derived from the same
    per-state view roles the ACL uses (workflows/proposal.yaml), so list and page agree."""
    user = request.user
    principals = set(request.principals)
    if user is not None and user.is_admin:
        return true()
    my_bodies = bodies_in(principals)
    role_conditions = {
        Role.PUBLIC: true(),
        Role.AUTHENTICATED: true() if user is not None else false(),
        Role.COMMITTEE: true() if COMMITTEE_PRINCIPAL in principals else false(),
        Role.OFFICE: false(),
        Role.AUTHOR: _authored_by(user) if user is not None else false(),
        Role.BODY_MEMBER: _concerns_bodies(my_bodies) if my_bodies else false(),
        Role.BODY_SECRETARY: Proposal.origin_body_id.in_(bodies_in(principals, (MembershipRole.SECRETARY,))),
        Role.BODY_CHAIR: Proposal.origin_body_id.in_(bodies_in(principals, CHAIR_ROLES)),
    }
    per_state = [
        and_(Proposal.state == state.id, or_(*[role_conditions[role] for role in state.view]))
        for state in workflow.states.values() if state.view
    ]
    return or_(Proposal.public.is_(True), *per_state)


# IN (uncorrelated subquery) rather than a correlated EXISTS: the database builds the set once
# per statement. With EXISTS, PostgreSQL costs the subquery per row and the inflated estimate
# made it JIT-compile every list query (+15 ms each at 10,000 proposals); SQLite, given the
# (body_id, ended_at) index, probed consultations by body for every row (0.3 s per list).
def _authored_by(user: User):
    return or_(
        Proposal.created_by_id == user.id,
        Proposal.id.in_(select(ProposalAuthor.proposal_id).where(ProposalAuthor.user_id == user.id)),
    )


def _concerns_bodies(body_ids: list[int]):
    return or_(
        Proposal.origin_body_id.in_(body_ids),
        Proposal.id.in_(select(Consultation.proposal_id).where(Consultation.body_id.in_(body_ids))),
    )


@dataclass
class Desk:
    drafts: list[Proposal]
    returned: list[Proposal]
    to_check: list[Proposal]
    to_schedule: list[Consultation]
    to_decide: list[Consultation]
    recent_decisions: list[Consultation]


def desk(request, recent_days: int = 60, limit: int = 20) -> Desk:
    """What waits for the current user, in a fixed number of statements."""
    dbsession = request.dbsession
    user = request.user
    principals = request.principals
    secretary_of = bodies_in(principals, (MembershipRole.SECRETARY,))
    chair_of = bodies_in(principals, CHAIR_ROLES)
    member_of = bodies_in(principals)
    proposal_options = (selectinload(Proposal.origin_body), selectinload(Proposal.proposal_type))
    mine = list(dbsession.scalars(
        select(Proposal).where(Proposal.state == "draft", _authored_by(user))
        .options(*proposal_options).order_by(Proposal.updated_at.desc()).limit(limit)
    ))
    to_check = list(dbsession.scalars(
        select(Proposal).where(Proposal.state == "submitted", Proposal.origin_body_id.in_(secretary_of))
        .options(*proposal_options).order_by(Proposal.submitted_at).limit(limit)
    )) if secretary_of else []
    consultation_options = (
        selectinload(Consultation.body),
        selectinload(Consultation.proposal).selectinload(Proposal.origin_body),
    )
    to_schedule = list(dbsession.scalars(
        select(Consultation).where(Consultation.state == "open", Consultation.body_id.in_(secretary_of))
        .options(*consultation_options).order_by(Consultation.opened_at).limit(limit)
    )) if secretary_of else []
    to_decide = list(dbsession.scalars(
        select(Consultation).where(
            Consultation.state.in_(("open", "scheduled")), Consultation.body_id.in_(chair_of),
            Consultation.role == ConsultationRole.DECISION,
        ).options(*consultation_options).order_by(Consultation.opened_at).limit(limit)
    )) if chair_of else []
    since = utcnow() - dt.timedelta(days=recent_days)
    # A step ends also when a proposal goes back to its authors (referred back): only what the
    # user may still see is listed.
    visible = select(Proposal.id).where(visible_condition(request, request.workflows["proposal"]))
    recent = list(dbsession.scalars(
        select(Consultation).where(
            Consultation.body_id.in_(member_of), Consultation.ended_at >= since,
            Consultation.proposal_id.in_(visible),
            Consultation.state.in_(("recommended", "decided", "rejected", "noted", "referred_back")),
        ).options(*consultation_options).order_by(Consultation.ended_at.desc()).limit(limit)
    )) if member_of else []
    return Desk(
        # A draft that carries a reference number has been submitted before: it came back.
        drafts=[p for p in mine if p.reference is None],
        returned=[p for p in mine if p.reference is not None],
        to_check=to_check,
        to_schedule=to_schedule,
        to_decide=to_decide,
        recent_decisions=recent,
    )


def body_queue(dbsession, body_id: int) -> list[Consultation]:
    """The body's consultations ready for an agenda."""
    return list(dbsession.scalars(
        select(Consultation).where(Consultation.body_id == body_id, Consultation.state == "open")
        .options(selectinload(Consultation.proposal).selectinload(Proposal.origin_body))
        .order_by(Consultation.opened_at)
    ))


def parse_cost(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
