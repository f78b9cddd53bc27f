"""Firing a transition from an object page, and the office's overview of all workflows."""

from __future__ import annotations

from markupsafe import Markup
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from sw_gremien.accounts.views import safe_came_from
from sw_gremien.i18n import _, translate
from sw_gremien.security import Permissions
from sw_gremien.workflow import engine
from sw_gremien.workflow.definitions import ROLE_LABELS, Role
from sw_gremien.workflow.diagram import render_mermaid, render_svg


@view_config(route_name="workflow_fire", request_method="POST", permission=Permissions.FIRE_TRANSITION,
             renderer="workflow/refused.jinja2")
def fire_transition(context, request):
    obj = context.object
    trigger = request.matchdict["trigger"]
    came_from = safe_came_from(request.POST.get("came_from"), request)
    comment = request.POST.get("comment", "")
    try:
        expected_version = int(request.POST["version"])
    except (KeyError, ValueError):
        raise HTTPBadRequest() from None
    transition = context.workflow.transition(obj.state, trigger)
    if transition is not None and transition.page:
        # It needs more than a comment: only its own page fires it.
        raise HTTPNotFound()
    try:
        engine.fire(obj, trigger, request, comment=comment, expected_version=expected_version)
    except engine.TransitionRefused as refused:
        # Show why, and keep the comment the user wrote, so nothing typed is lost.
        request.response.status = 422
        return {
            "object": obj,
            "workflow": context.workflow,
            "transition": refused.transition,
            "reasons": [translate(request, reason) for reason in refused.reasons],
            "comment": comment,
            "came_from": came_from,
            "version": obj.version,
        }
    locale = request.locale_name
    state = context.workflow.states[obj.state]
    request.session.flash(
        translate(request, _("Done: ${step}. New state: ${state}.", mapping={
            "step": _step_label(context.workflow, trigger, locale),
            "state": state.label.for_locale(locale),
        })),
        "success",
    )
    return HTTPFound(came_from)


def _step_label(workflow, trigger: str, locale: str) -> str:
    for t in workflow.transitions:
        if t.trigger == trigger:
            return t.label.for_locale(locale)
    return trigger


@view_config(route_name="workflows", renderer="workflow/list.jinja2", permission=Permissions.VIEW_WORKFLOWS)
def workflow_list(request):
    locale = request.locale_name
    return {
        "workflows": [
            (workflow, Markup(render_svg(workflow, locale))) for workflow in request.workflows
        ],
    }


@view_config(route_name="workflow", renderer="workflow/show.jinja2", permission=Permissions.VIEW_WORKFLOWS)
def workflow_show(context, request):
    workflow = context.workflow
    locale = request.locale_name
    return {
        "workflow": workflow,
        "diagram": Markup(render_svg(workflow, locale)),
        "mermaid": render_mermaid(workflow, locale),
        "roles": [(role, ROLE_LABELS[Role(role)]) for role in workflow.roles],
    }
