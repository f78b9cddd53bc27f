"""Loading and validating workflow files: the real ones load, broken ones stop the start."""

import textwrap

import pytest

from sw_gremien.paths import workflows_dir
from sw_gremien.workflow import guards
from sw_gremien.workflow.definitions import WorkflowDefinitionError, load_directory, load_file

VALID = """
workflow: sample
governs: sample
title: {de: Probe, en: Sample}
initial: a
states:
  a: {label: {de: A, en: A}, view: [office], edit: [office]}
  b: {label: {de: B, en: B}, view: [office], final: true}
transitions:
  - {trigger: go, source: a, dest: b, roles: [office], label: {de: Los, en: Go}}
"""


def write(tmp_path, text, name="sample.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_product_workflows_load():
    workflows = load_directory(workflows_dir(), guards.is_known)
    assert set(workflows) == {"proposal", "consultation", "meeting", "fund_application"}
    proposal = workflows["proposal"]
    assert proposal.initial == "draft"
    assert {s for s, st in proposal.states.items() if st.final} == {"adopted", "rejected", "settled", "withdrawn"}
    fund = workflows["fund_application"]
    assert fund.transition("in_review", "grant_small").guards == ("small_grant", "fund_has_free_balance")


def test_a_valid_sample_loads(tmp_path):
    workflow = load_file(write(tmp_path, VALID), guards.is_known)
    assert workflow.machine.events["go"] is not None
    assert workflow.roles == ["office"]


BROKEN = {
    "unknown state": (VALID.replace("dest: b", "dest: c"), "unknown state 'c'"),
    "unknown role": (VALID.replace("roles: [office]", "roles: [kaiser]"), "unknown role(s) kaiser"),
    "unknown view role": (VALID.replace("a: {label: {de: A, en: A}, view: [office]", "a: {label: {de: A, en: A}, view: [pope]"), "unknown role(s) pope"),
    "unknown guard": (VALID.replace("roles: [office], label", "roles: [office], guards: [moon_is_full], label"), "unknown guard 'moon_is_full'"),
    "unreachable state": (VALID.replace("transitions:", "  c: {label: {de: C, en: C}, view: [office], final: true}\ntransitions:"), "cannot be reached"),
    "final state with a way out": (VALID + "  - {trigger: back, source: b, dest: a, roles: [office], label: {de: Z, en: B}}\n", "final state 'b' has the outgoing transition 'back'"),
    "one trigger twice from one state": (VALID.replace("b: {label: {de: B, en: B}, view: [office], final: true}", "b: {label: {de: B, en: B}, view: [office], final: true}\n  c: {label: {de: C, en: C}, view: [office], final: true}") + "  - {trigger: go, source: a, dest: c, roles: [office], label: {de: Los, en: Go}}\n", "two transitions 'go' leave the state 'a'"),
    "dead end not final": (VALID.replace("final: true", "final: false"), "no way out"),
    "missing English label": (VALID.replace("label: {de: Los, en: Go}", "label: {de: Los}"), "German and an English text"),
    "unknown initial state": (VALID.replace("initial: a", "initial: z"), "initial state 'z'"),
    "system may not view": (VALID.replace("view: [office], edit", "view: [system], edit"), "unknown role(s) system"),
    "not YAML": ("workflow: [unclosed", "not valid YAML"),
    "missing key": (VALID.replace("initial: a\n", ""), "'initial' is missing"),
    "bad comment mode": (VALID.replace("roles: [office], label", "roles: [office], comment: maybe, label"), "comment must be one of"),
    "page not a path segment": (VALID.replace("roles: [office], label", "roles: [office], page: ../admin, label"), "page must be a path segment"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_are_refused_with_file_and_fault(tmp_path, case):
    text, fault = BROKEN[case]
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_file(write(tmp_path, text, "kaputt.yaml"), guards.is_known)
    assert str(caught.value).startswith("kaputt.yaml: ")
    assert fault in str(caught.value)


def test_two_files_governing_one_kind_are_refused(tmp_path):
    write(tmp_path, VALID, "one.yaml")
    write(tmp_path, VALID.replace("workflow: sample", "workflow: other"), "two.yaml")
    with pytest.raises(WorkflowDefinitionError, match="already governed"):
        load_directory(tmp_path, guards.is_known)


def test_the_app_refuses_to_start_with_a_broken_workflow(tmp_path, app_settings, engine):
    from sw_gremien import main

    write(tmp_path, BROKEN["unknown guard"][0], "proposal.yaml")
    with pytest.raises(SystemExit) as caught:
        main({}, **{**app_settings, "sw_gremien.workflows_dir": str(tmp_path),
                    "sqlalchemy.url": str(engine.url)})
    message = str(caught.value)
    assert "proposal.yaml" in message and "moon_is_full" in message


def test_guard_names_are_unique():
    with pytest.raises(ValueError):
        guards.guard("proposal_complete")(lambda obj, request: [])
