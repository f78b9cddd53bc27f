"""Route factories for the fund's pages. An application's ACL comes from its workflow state;
an organisation's data belongs to its contacts and the office."""

from __future__ import annotations

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.db import get_by_id
from sw_gremien.funding.models import FundApplication, Organisation
from sw_gremien.funding.grant_list import editor_principals
from sw_gremien.funding.services import applicant_principals
from sw_gremien.proposals.resources import ProposalResource
from sw_gremien.security import ADMIN_PRINCIPAL, Permissions, Root, user_principal
from sw_gremien.workflow.engine import workflow_acl


class FundApplicationResource:
    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.application = get_by_id(request.dbsession, FundApplication, request.matchdict["application_id"])
        if self.application is None:
            raise HTTPNotFound()
        self.object = self.application

    @property
    def __acl__(self):
        application = self.application
        acl = workflow_acl(application, self.request.workflows.for_object(application))
        # Bank and contact data: the applicant and the office only (not the committee).
        acl += [(Allow, principal, Permissions.VIEW_PERSONAL_DATA)
                for principal in (*applicant_principals(application), ADMIN_PRINCIPAL)]
        return acl


class OrganisationResource:
    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.organisation = get_by_id(request.dbsession, Organisation, request.matchdict["organisation_id"])
        if self.organisation is None:
            raise HTTPNotFound()

    @property
    def __acl__(self):
        holders = [user_principal(user.id) for user in self.organisation.contacts] + [ADMIN_PRINCIPAL]
        return [(Allow, principal, (Permissions.VIEW_PERSONAL_DATA, Permissions.EDIT_OBJECT))
                for principal in holders]


class GrantListResource(ProposalResource):
    """A grant list is a proposal; its amounts and conditions have editors of their own."""

    @property
    def __acl__(self):
        return [*super().__acl__, *((Allow, principal, Permissions.EDIT_GRANT_LIST)
                                    for principal in editor_principals(self.proposal))]
