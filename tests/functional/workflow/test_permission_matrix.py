"""The role × state matrix, generated from the workflow files (Plone's permission tests).

For every workflow, every state and every role: what the role may see and edit there, which
transitions it is offered, and that firing succeeds exactly for those and is refused for all
others. The expectations are read from the YAML; the answers come from the engine's own
role resolution, ACLs and firing, so a fault in either shows up here.
"""

import pytest
from pyramid.authorization import ACLHelper
from pyramid.httpexceptions import HTTPForbidden

from sw_gremien.paths import workflows_dir
from sw_gremien.security import Permissions
from sw_gremien.workflow import engine, guards
from sw_gremien.workflow.definitions import Role, load_directory
from tests.workflow_support import make_request, new_specimen, principals_for_role

WORKFLOWS = load_directory(workflows_dir(), guards.is_known)

# The roles a person in each role also holds: a secretary is a member of the body, members and
# the office belong to the committee people, everyone logged in is "authenticated", and
# everyone at all is "public".
IMPLIED = {
    Role.BODY_MEMBER: {Role.COMMITTEE},
    Role.BODY_SECRETARY: {Role.BODY_MEMBER, Role.COMMITTEE},
    Role.BODY_CHAIR: {Role.BODY_MEMBER, Role.COMMITTEE},
    Role.OFFICE: {Role.COMMITTEE},
}
PEOPLE = [role for role in Role if role != Role.SYSTEM]


def effective_roles(role: Role) -> set[str]:
    roles = {role, Role.PUBLIC} | IMPLIED.get(role, set())
    if role != Role.PUBLIC:
        roles.add(Role.AUTHENTICATED)
    return roles


# What a specimen must look like for a transition's guards to pass.
GUARD_SETUP = {
    "recommend": {"role": "preliminary"},
    "take_note": {"role": "notice"},
    "claim_repayment": {"problems": {"repayment": 120}},
}

# Outcomes that only fit some roles of a consultation step are not offered on others at all
# (the specimen's step role is "decision" unless GUARD_SETUP says otherwise).
FITS_STEP_ROLE = {"recommend": {"preliminary"}, "take_note": {"notice"}, "decide": {"decision"},
                  "reject": {"preliminary", "decision"}}

CASES = [(name, state) for name, wf in WORKFLOWS.items() for state in wf.states]


class _Context:
    def __init__(self, acl):
        self.__acl__ = acl


@pytest.mark.parametrize(("workflow_name", "state"), CASES, ids=[f"{w}-{s}" for w, s in CASES])
def test_matrix(app, dbsession, workflow_name, state):
    workflow = WORKFLOWS[workflow_name]
    definition = workflow.states[state]
    acl_helper = ACLHelper()
    for role in PEOPLE:
        roles = effective_roles(role)
        principals = principals_for_role(role)
        specimen = new_specimen(dbsession, workflow_name, state)
        context = _Context(engine.workflow_acl(specimen, workflow))

        may_view = bool(acl_helper.permits(context, principals, Permissions.VIEW_OBJECT))
        may_edit = bool(acl_helper.permits(context, principals, Permissions.EDIT_OBJECT))
        assert may_view == bool(roles & definition.view), f"{role} viewing {workflow_name}/{state}"
        assert may_edit == bool(roles & definition.edit), f"{role} editing {workflow_name}/{state}"

        request = make_request(app, dbsession, role)
        offered = {o.transition.trigger for o in engine.transition_options(specimen, request)}
        allowed = {t.trigger for t in workflow.transitions_from(state) if roles & t.roles}
        fitting = {trigger for trigger in allowed if workflow_name != "consultation"
                   or specimen.role in FITS_STEP_ROLE.get(trigger, {specimen.role})}
        assert offered == fitting, f"{role} in {workflow_name}/{state}"

        for transition in workflow.transitions_from(state):
            nested = dbsession.begin_nested()
            try:
                candidate = new_specimen(dbsession, workflow_name, state, **GUARD_SETUP.get(transition.trigger, {}))
                comment = "Begründung" if transition.comment_required else None
                if transition.trigger in allowed:
                    engine.fire(candidate, transition.trigger, request, comment=comment,
                                expected_version=candidate.version)
                    assert candidate.state == transition.dest
                else:
                    with pytest.raises(HTTPForbidden):
                        engine.fire(candidate, transition.trigger, request, comment=comment)
                    assert candidate.state == state
            finally:
                nested.rollback()


def test_every_state_can_be_viewed_by_someone_and_every_transition_fired_by_someone():
    for workflow in WORKFLOWS.values():
        for state in workflow.states.values():
            assert state.view, f"nobody can see {workflow.name}/{state.id}"
        for transition in workflow.transitions:
            assert transition.roles, f"nobody can fire {workflow.name}.{transition.trigger}"
