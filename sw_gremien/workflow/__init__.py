"""The workflow engine: declarative workflows (workflows/*.yaml) run by ``transitions``.

At start-up every definition is loaded and validated; a broken file stops the application
with a message naming the file and the fault. Areas register the models their workflows
govern with ``config.register_workflow_type(Model)``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sw_gremien.paths import workflows_dir
from sw_gremien.workflow import guards
from sw_gremien.workflow.definitions import WorkflowDefinitionError, load_directory
from sw_gremien.workflow.engine import WorkflowRegistry

log = logging.getLogger(__name__)


def load_registry(settings) -> WorkflowRegistry:
    directory = settings.get("sw_gremien.workflows_dir") or workflows_dir()
    started = time.perf_counter()
    workflows = load_directory(Path(directory), guards.is_known)
    log.info("loaded %d workflows in %.1f ms", len(workflows), (time.perf_counter() - started) * 1000)
    return WorkflowRegistry(workflows)


def register_workflow_type(config, model) -> None:
    """Make a governed model reachable for the generic transition view and the history."""
    workflow_name = model.__workflow__
    registry = config.registry["workflows"]
    if workflow_name not in registry.workflows:
        raise WorkflowDefinitionError(model.__name__, f"no workflow named {workflow_name!r}")
    config.registry["workflow_types"][model.workflow_object_type()] = model


def includeme(config):
    try:
        config.registry["workflows"] = load_registry(config.get_settings())
    except WorkflowDefinitionError as exc:
        raise SystemExit(f"sw_gremien cannot start: workflow definition {exc}") from None
    config.registry["workflow_types"] = {}
    config.add_directive("register_workflow_type", register_workflow_type)
    config.add_request_method(lambda request: request.registry["workflows"], "workflows", reify=True)
