"""The context of a workflow object reached through the generic transition route."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.db import get_by_id
from sw_gremien.security import Root
from sw_gremien.workflow.engine import workflow_acl


class WorkflowObjectResource:
    """Wraps a governed object; its ACL comes from the object's current state."""

    def __init__(self, request, obj=None):
        self.request = request
        self.__parent__ = Root(request)
        if obj is None:
            model = request.registry["workflow_types"].get(request.matchdict["object_type"])
            if model is None:
                raise HTTPNotFound()
            obj = get_by_id(request.dbsession, model, request.matchdict["object_id"])
            if obj is None:
                raise HTTPNotFound()
        self.object = obj
        self.workflow = request.workflows.for_object(obj)

    @property
    def __acl__(self):
        return workflow_acl(self.object, self.workflow)


class WorkflowDefinitionResource:
    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        try:
            self.workflow = request.workflows[request.matchdict["name"]]
        except KeyError:
            raise HTTPNotFound() from None

    __acl__: list = []
