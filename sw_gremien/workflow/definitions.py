"""Workflow definitions: YAML files in workflows/, loaded and validated at start-up.

A definition is data the office can read (see workflows/README.md). Loading checks it
completely — unknown states, roles or guards, unreachable states, final states with ways out,
ambiguous triggers — and refuses to start with a message naming the file and the fault. Each
workflow gets one ``transitions`` Machine, built here once and shared by every request.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from transitions import Machine

from sw_gremien.i18n import _

COMMENT_MODES = ("none", "optional", "required")


class Role(enum.StrEnum):
    """Symbolic roles. The security layer resolves them per object to principals."""

    AUTHOR = "author"
    BODY_MEMBER = "body_member"
    BODY_SECRETARY = "body_secretary"
    BODY_CHAIR = "body_chair"
    OFFICE = "office"
    APPLICANT = "applicant"
    # Every current member of any body, and the office: the people of the Stuttgarter Weg.
    COMMITTEE = "committee"
    AUTHENTICATED = "authenticated"
    PUBLIC = "public"
    # Transitions only the application fires (a meeting's results, a predecessor ending).
    SYSTEM = "system"


ROLE_LABELS = {
    Role.AUTHOR: _("Author"),
    Role.BODY_MEMBER: _("Member of the body"),
    Role.BODY_SECRETARY: _("Secretary of the body"),
    Role.BODY_CHAIR: _("Chair of the body"),
    Role.OFFICE: _("Office"),
    Role.APPLICANT: _("Applicant"),
    Role.COMMITTEE: _("Members of all bodies"),
    Role.AUTHENTICATED: _("Every logged-in user"),
    Role.PUBLIC: _("The public"),
    Role.SYSTEM: _("The system"),
}

# Roles that may see or edit an object in a state. "system" acts, it does not look.
VIEWING_ROLES = frozenset(Role) - {Role.SYSTEM}


class WorkflowDefinitionError(Exception):
    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


@dataclass(frozen=True)
class Label:
    de: str
    en: str

    def for_locale(self, locale: str) -> str:
        return self.en if locale == "en" else self.de


@dataclass(frozen=True)
class State:
    id: str
    label: Label
    description: Label
    view: frozenset[str]
    edit: frozenset[str]
    final: bool


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    guards: tuple[str, ...]
    comment: str
    label: Label
    description: Label | None = None
    # A step that needs more than a comment (a date, an amount) is fired from a page of its
    # own, this path below the object's page; the generic form is not offered for it.
    page: str | None = None

    @property
    def comment_required(self) -> bool:
        return self.comment == "required"

    @property
    def takes_comment(self) -> bool:
        return self.comment != "none"

    @property
    def system_only(self) -> bool:
        return self.roles == {Role.SYSTEM}


@dataclass
class Workflow:
    name: str
    governs: str
    title: Label
    initial: str
    states: dict[str, State]
    transitions: list[Transition]
    source: str
    machine: Machine = field(repr=False, default=None)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def transition(self, state: str, trigger: str) -> Transition | None:
        for t in self.transitions:
            if t.trigger == trigger and state in t.sources:
                return t
        return None

    @property
    def roles(self) -> list[str]:
        """Every role the workflow mentions, in the order of Role."""
        used = set()
        for state in self.states.values():
            used |= state.view | state.edit
        for t in self.transitions:
            used |= t.roles
        return [role.value for role in Role if role in used]

    @property
    def triggers(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen.setdefault(t.trigger)
        return list(seen)


# -- Parsing ---------------------------------------------------------------------------------
def _label(source: str, where: str, value, required: bool = True) -> Label | None:
    if value is None and not required:
        return None
    if isinstance(value, Mapping) and isinstance(value.get("de"), str) and isinstance(value.get("en"), str):
        return Label(de=value["de"].strip(), en=value["en"].strip())
    raise WorkflowDefinitionError(source, f"{where} needs a German and an English text (de: …, en: …)")


def _roles(source: str, where: str, value, allow_system: bool) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise WorkflowDefinitionError(source, f"{where} must be a list of roles")
    allowed = set(Role) if allow_system else VIEWING_ROLES
    unknown = [role for role in value if role not in allowed]
    if unknown:
        raise WorkflowDefinitionError(
            source, f"{where} names unknown role(s) {', '.join(map(str, unknown))}; known: "
            f"{', '.join(sorted(allowed))}"
        )
    return frozenset(value)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_workflow(data, source: str, guard_names: Callable[[str], bool]) -> Workflow:
    if not isinstance(data, Mapping):
        raise WorkflowDefinitionError(source, "the file must hold a mapping (workflow:, states:, …)")
    for key in ("workflow", "governs", "title", "initial", "states", "transitions"):
        if key not in data:
            raise WorkflowDefinitionError(source, f"the key {key!r} is missing")
    unknown_keys = set(data) - {"workflow", "governs", "title", "description", "initial", "states", "transitions"}
    if unknown_keys:
        raise WorkflowDefinitionError(source, f"unknown key(s): {', '.join(sorted(unknown_keys))}")

    states: dict[str, State] = {}
    if not isinstance(data["states"], Mapping) or not data["states"]:
        raise WorkflowDefinitionError(source, "states must be a non-empty mapping of state ids")
    for state_id, spec in data["states"].items():
        where = f"state {state_id!r}"
        spec = spec or {}
        states[state_id] = State(
            id=state_id,
            label=_label(source, f"{where} label", spec.get("label")),
            description=_label(source, f"{where} description", spec.get("description"), required=False)
            or Label("", ""),
            view=_roles(source, f"{where} view", spec.get("view"), allow_system=False),
            edit=_roles(source, f"{where} edit", spec.get("edit"), allow_system=False),
            final=bool(spec.get("final", False)),
        )

    initial = data["initial"]
    if initial not in states:
        raise WorkflowDefinitionError(source, f"the initial state {initial!r} is not among the states")

    transitions: list[Transition] = []
    for index, spec in enumerate(data["transitions"] or [], start=1):
        trigger = spec.get("trigger")
        where = f"transition {trigger or index!r}"
        if not trigger or not str(trigger).isidentifier():
            raise WorkflowDefinitionError(source, f"{where} needs a trigger name (letters, digits, _)")
        sources = _as_list(spec.get("source"))
        if not sources:
            raise WorkflowDefinitionError(source, f"{where} needs at least one source state")
        for state_id in [*sources, spec.get("dest")]:
            if state_id not in states:
                raise WorkflowDefinitionError(source, f"{where} names the unknown state {state_id!r}")
        roles = _roles(source, f"{where} roles", spec.get("roles"), allow_system=True)
        if not roles:
            raise WorkflowDefinitionError(source, f"{where} needs the roles that may fire it")
        guards = tuple(_as_list(spec.get("guards")))
        for guard in guards:
            if not guard_names(guard):
                raise WorkflowDefinitionError(source, f"{where} names the unknown guard {guard!r}")
        comment = spec.get("comment", "optional")
        if comment not in COMMENT_MODES:
            raise WorkflowDefinitionError(source, f"{where}: comment must be one of {', '.join(COMMENT_MODES)}")
        page = spec.get("page")
        if page is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(page)):
            raise WorkflowDefinitionError(source, f"{where}: page must be a path segment (a-z, 0-9, -)")
        transitions.append(
            Transition(
                trigger=trigger,
                sources=tuple(sources),
                dest=spec["dest"],
                roles=roles,
                guards=guards,
                comment=comment,
                label=_label(source, f"{where} label", spec.get("label")),
                description=_label(source, f"{where} description", spec.get("description"), required=False),
                page=page,
            )
        )

    workflow = Workflow(
        name=str(data["workflow"]),
        governs=str(data["governs"]),
        title=_label(source, "title", data["title"]),
        initial=initial,
        states=states,
        transitions=transitions,
        source=source,
    )
    _check_graph(workflow)
    workflow.machine = build_machine(workflow)
    return workflow


def _check_graph(workflow: Workflow) -> None:
    source = workflow.source
    seen: dict[tuple[str, str], int] = {}
    for t in workflow.transitions:
        for state in t.sources:
            key = (state, t.trigger)
            if key in seen:
                raise WorkflowDefinitionError(
                    source, f"two transitions {t.trigger!r} leave the state {state!r}: which one would fire?"
                )
            seen[key] = 1
            if workflow.states[state].final:
                raise WorkflowDefinitionError(
                    source, f"the final state {state!r} has the outgoing transition {t.trigger!r}"
                )
    reachable = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        state = frontier.pop()
        for t in workflow.transitions_from(state):
            if t.dest not in reachable:
                reachable.add(t.dest)
                frontier.append(t.dest)
    unreachable = [s for s in workflow.states if s not in reachable]
    if unreachable:
        raise WorkflowDefinitionError(
            source, f"state(s) {', '.join(unreachable)} cannot be reached from {workflow.initial!r}"
        )
    dead_ends = [s.id for s in workflow.states.values() if not s.final and not workflow.transitions_from(s.id)]
    if dead_ends:
        raise WorkflowDefinitionError(
            source, f"state(s) {', '.join(dead_ends)} have no way out but are not marked final"
        )


def build_machine(workflow: Workflow) -> Machine:
    """The shared state machine: model=None, no auto transitions; objects are passed to each
    trigger call, never added to the machine."""
    return Machine(
        model=None,
        states=list(workflow.states),
        transitions=[
            {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
            for t in workflow.transitions
        ],
        initial=workflow.initial,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


def load_file(path: Path, guard_names: Callable[[str], bool]) -> Workflow:
    source = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WorkflowDefinitionError(source, f"not valid YAML: {exc}") from None
    return parse_workflow(data, source, guard_names)


def load_directory(directory: Path, guard_names: Callable[[str], bool]) -> dict[str, Workflow]:
    workflows: dict[str, Workflow] = {}
    governed: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        workflow = load_file(path, guard_names)
        if workflow.name in workflows:
            raise WorkflowDefinitionError(path.name, f"the workflow name {workflow.name!r} is used twice")
        if workflow.governs in governed:
            raise WorkflowDefinitionError(
                path.name, f"{workflow.governs!r} is already governed by {governed[workflow.governs]}"
            )
        workflows[workflow.name] = workflow
        governed[workflow.governs] = path.name
    return workflows
