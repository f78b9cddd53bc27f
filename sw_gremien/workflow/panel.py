"""What an object page shows of its workflow: state, the transitions the user may fire (and
those a guard blocks, with the reason), the history and the diagram."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from sw_gremien.i18n import translate, _
from sw_gremien.workflow.definitions import State, Workflow
from sw_gremien.workflow.diagram import render_svg
from sw_gremien.workflow.engine import TransitionOption, history, transition_options
from sw_gremien.workflow.models import WorkflowEvent


@dataclass
class WorkflowPanel:
    object: object
    workflow: Workflow
    state: State
    options: list[TransitionOption]
    events: list[WorkflowEvent]
    diagram: Markup
    fire_url: str

    def state_label(self, state_id: str, locale: str) -> str:
        state = self.workflow.states.get(state_id)
        return state.label.for_locale(locale) if state else state_id

    def transition_label(self, trigger: str, locale: str) -> str:
        for t in self.workflow.transitions:
            if t.trigger == trigger:
                return t.label.for_locale(locale)
        return trigger


def workflow_panel(obj, request, history_and_diagram: bool = True) -> WorkflowPanel:
    """Everything an object page shows of the workflow. ``history_and_diagram=False`` for
    places that show only the state and the actions (a consultation step inside its proposal's
    page), which saves the history query and the drawing."""
    workflow = request.workflows.for_object(obj)
    locale = request.locale_name
    svg = ""
    events = []
    if history_and_diagram:
        svg = render_svg(workflow, locale, current=obj.state,
                         current_text=translate(request, _("current state")))
        events = history(request.dbsession, obj)
    return WorkflowPanel(
        object=obj,
        workflow=workflow,
        state=workflow.states[obj.state],
        options=list(transition_options(obj, request)),
        events=events,
        diagram=Markup(svg),
        fire_url=request.route_path(
            "workflow_fire", object_type=obj.workflow_object_type(), object_id=obj.id, trigger="__trigger__"
        ),
    )
