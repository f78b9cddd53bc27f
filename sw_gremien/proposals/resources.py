"""Route factories for proposal pages: the ACL comes from the proposal's workflow state."""

from __future__ import annotations

from pyramid.authorization import Allow, Everyone
from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.db import get_by_id
from sw_gremien.proposals.models import Proposal, ProposalType
from sw_gremien.proposals.services import path_is_editable
from sw_gremien.security import ADMIN_PRINCIPAL, Permissions, Root, body_principal
from sw_gremien.workflow.engine import workflow_acl


class ProposalResource:
    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.proposal = get_by_id(request.dbsession, Proposal, request.matchdict["proposal_id"])
        if self.proposal is None:
            raise HTTPNotFound()
        self.object = self.proposal

    @property
    def __acl__(self):
        proposal = self.proposal
        acl = workflow_acl(proposal, self.request.workflows.for_object(proposal))
        if proposal.public:
            # Treated in a public agenda item: the public may read it.
            acl.append((Allow, Everyone, Permissions.VIEW_OBJECT))
        if path_is_editable(proposal):
            # The first body's secretaries shape the path once the proposal is submitted to
            # them and before it starts; the office at any time until then.
            if proposal.state == "submitted":
                acl.append((Allow, body_principal(proposal.origin_body_id, "secretary"), Permissions.EDIT_PATH))
            acl.append((Allow, ADMIN_PRINCIPAL, Permissions.EDIT_PATH))
        return acl


class ProposalTypeResource:
    __acl__: list = []

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.proposal_type = get_by_id(request.dbsession, ProposalType, request.matchdict["type_id"])
        if self.proposal_type is None:
            raise HTTPNotFound()
