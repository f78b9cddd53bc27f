"""Firing transitions: permission, guards, state change, history and version in one go.

    available_transitions(obj, request)  what the current user may fire now
    transition_options(obj, request)     the same, plus those blocked by a guard, with reasons
    fire(obj, trigger, request, comment=…, expected_version=…)

Everything happens in the request's database transaction: either the state, the version and
the history entry all change, or none does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyramid.authorization import Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPConflict, HTTPForbidden
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from sw_gremien.i18n import _
from sw_gremien.security import ADMIN_PRINCIPAL, COMMITTEE_PRINCIPAL, Permissions
from sw_gremien.workflow import guards as guard_registry
from sw_gremien.workflow.definitions import Role, Transition, Workflow
from sw_gremien.workflow.models import WorkflowEvent


class StaleObject(HTTPConflict):
    """The form was made from an older version of the object than the one now stored."""

    def __init__(self):
        super().__init__(detail=_("This was changed meanwhile. Please reload the page."))


class TransitionNotAvailable(HTTPConflict):
    """The transition does not leave the object's current state (any more)."""

    def __init__(self, trigger: str, state: str):
        super().__init__(detail=_("This step is not possible in the current state."))
        self.trigger = trigger
        self.state = state


class TransitionRefused(Exception):
    """A guard (or a missing comment) stands in the way. Carries the readable reasons."""

    def __init__(self, transition: Transition, reasons: list):
        super().__init__(", ".join(str(r) for r in reasons))
        self.transition = transition
        self.reasons = reasons


@dataclass
class TransitionOption:
    transition: Transition
    reasons: list = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons


class WorkflowRegistry:
    """All workflows of the application, loaded once at start-up."""

    def __init__(self, workflows: dict[str, Workflow]):
        self.workflows = workflows
        self.by_type: dict[str, Workflow] = {w.governs: w for w in workflows.values()}

    def __getitem__(self, name: str) -> Workflow:
        return self.workflows[name]

    def __iter__(self):
        return iter(self.workflows.values())

    def for_object(self, obj) -> Workflow:
        return self.workflows[obj.__workflow__]


def workflows(request) -> WorkflowRegistry:
    return request.registry["workflows"]


# -- Roles -------------------------------------------------------------------------------------
def role_principals(obj) -> dict[str, list[str]]:
    """Every symbolic role of the object with the principals that hold it."""
    mapping = {role: list(principals) for role, principals in obj.workflow_principals().items()}
    mapping[Role.OFFICE] = [ADMIN_PRINCIPAL]
    mapping[Role.COMMITTEE] = [COMMITTEE_PRINCIPAL, ADMIN_PRINCIPAL]
    mapping[Role.AUTHENTICATED] = [Authenticated]
    mapping[Role.PUBLIC] = [Everyone]
    return mapping


def roles_of(obj, request) -> set[str]:
    principals = set(request.principals)
    return {role for role, holders in role_principals(obj).items() if principals.intersection(holders)}


def workflow_acl(obj, workflow: Workflow) -> list:
    """The object's ACL, computed from its state: who may view, edit and fire here. Never
    stored, so a state change changes the permissions at once."""
    state = workflow.states[obj.state]
    holders = role_principals(obj)
    acl = []
    grants = [(role, Permissions.VIEW_OBJECT) for role in state.view]
    grants += [(role, Permissions.EDIT_OBJECT) for role in state.edit]
    grants += [
        (role, Permissions.FIRE_TRANSITION)
        for t in workflow.transitions_from(obj.state)
        for role in t.roles
    ]
    for role, permission in grants:
        for principal in holders.get(role, ()):
            acl.append((Allow, principal, permission))
    return acl


# -- Checking ------------------------------------------------------------------------------------
def _guard_reasons(transition: Transition, obj, request) -> list:
    reasons = []
    for name in transition.guards:
        reasons.extend(guard_registry.GUARDS[name](obj, request))
    return reasons


def transition_options(obj, request) -> list[TransitionOption]:
    """The transitions the current user's roles allow from the current state and that apply
    to this object, each with the reasons a guard gives against it now (none: it may fire).
    Each guard runs once: its answer both decides applicability and gives the reasons."""
    workflow = workflows(request).for_object(obj)
    roles = roles_of(obj, request)
    options = []
    for transition in workflow.transitions_from(obj.state):
        if not transition.roles & roles:
            continue
        answers = {name: guard_registry.GUARDS[name](obj, request) for name in transition.guards}
        if any(answers[name] for name in answers if name in guard_registry.APPLICABILITY_GUARDS):
            continue
        options.append(TransitionOption(transition, [reason for name in transition.guards for reason in answers[name]]))
    return options


def may_fire(obj, trigger: str, request) -> bool:
    """Whether the user's roles allow ``trigger`` from the object's state (guards aside): for
    the pages of steps that have one."""
    transition = workflows(request).for_object(obj).transition(obj.state, trigger)
    return transition is not None and bool(transition.roles & roles_of(obj, request))


def available_transitions(obj, request) -> list[Transition]:
    return [option.transition for option in transition_options(obj, request) if option.allowed]


# -- Firing ---------------------------------------------------------------------------------------
def fire(obj, trigger: str, request, comment: str | None = None, expected_version=None,
         as_system: bool = False) -> WorkflowEvent:
    """Fire ``trigger`` on ``obj`` for the current user (or for the application itself with
    ``as_system``, for transitions whose roles include ``system``)."""
    workflow = workflows(request).for_object(obj)
    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleObject()
    transition = workflow.transition(obj.state, trigger)
    if transition is None:
        raise TransitionNotAvailable(trigger, obj.state)
    if as_system:
        if Role.SYSTEM not in transition.roles:
            raise ValueError(f"{workflow.name}.{trigger} is not a transition the system may fire")
    elif not transition.roles & roles_of(obj, request):
        raise HTTPForbidden()

    comment = (comment or "").strip() or None
    if not transition.takes_comment:
        comment = None
    reasons = []
    if transition.comment_required and comment is None:
        reasons.append(_("Please give a reason in the comment."))
    reasons += _guard_reasons(transition, obj, request)
    if reasons:
        if as_system:
            # The application's own step failed midway through a user's transition: abort the
            # whole request rather than let a 422 commit half of it.
            raise RuntimeError(f"{workflow.name}.{trigger} refused for the system: {reasons}")
        raise TransitionRefused(transition, reasons)

    from_state = obj.state
    workflow.machine.events[trigger].trigger(obj)
    actor = getattr(request, "user", None)
    event = WorkflowEvent(
        object_type=obj.workflow_object_type(),
        object_id=obj.id,
        workflow=workflow.name,
        transition=trigger,
        from_state=from_state,
        to_state=obj.state,
        actor_id=None if as_system or actor is None else actor.id,
        comment=comment,
    )
    dbsession = request.dbsession
    dbsession.add(event)
    try:
        # The UPDATE checks the version read: a concurrent change makes it match no row.
        dbsession.flush()
    except StaleDataError:
        raise StaleObject() from None
    request.registry.notify(ObjectTransitioned(obj, workflow, transition, from_state, event, request))
    return event


class ObjectTransitioned:
    """Sent after a transition fired (inside the same transaction): areas subscribe to it to
    carry the consequences, e.g. a finished consultation opens the next one."""

    def __init__(self, obj, workflow, transition, from_state, event, request):
        self.object = obj
        self.workflow = workflow
        self.transition = transition
        self.from_state = from_state
        self.event = event
        self.request = request


def history(dbsession, obj) -> list[WorkflowEvent]:
    return list(
        dbsession.scalars(
            select(WorkflowEvent)
            .where(
                WorkflowEvent.object_type == obj.workflow_object_type(),
                WorkflowEvent.object_id == obj.id,
            )
            .options(selectinload(WorkflowEvent.actor))
            .order_by(WorkflowEvent.id)
        )
    )
