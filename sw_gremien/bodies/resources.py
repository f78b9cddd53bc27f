"""Route factories for body pages.

A body's members may see each other's contact details; the office manages bodies. The list
of members is public for bodies that meet in public (the Internationaler Ausschuss), and
visible to logged-in users for the others.
"""

from __future__ import annotations

from pyramid.authorization import Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select

from sw_gremien.bodies.models import Body, Membership
from sw_gremien.db import get_by_id
from sw_gremien.security import ADMIN_PRINCIPAL, Permissions, Root, body_principal


class BodyResource:
    """A body. Its ACL adds to the root's (through ``__parent__``): what holds everywhere
    holds here too."""

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        body = request.dbsession.scalar(select(Body).where(Body.slug == request.matchdict["slug"]))
        if body is None:
            raise HTTPNotFound()
        self.body = body

    @property
    def __acl__(self):
        members_visible_to = Everyone if self.body.has_public_part else Authenticated
        return [
            (Allow, members_visible_to, Permissions.VIEW_BODY_MEMBERS),
            (Allow, body_principal(self.body.id), Permissions.VIEW_BODY_CONTACTS),
            (Allow, body_principal(self.body.id, "secretary"), Permissions.MANAGE_MEETINGS),
            (Allow, ADMIN_PRINCIPAL,
             (Permissions.VIEW_BODY_CONTACTS, Permissions.MANAGE_BODIES, Permissions.MANAGE_MEETINGS)),
        ]


class MembershipResource(BodyResource):
    def __init__(self, request):
        super().__init__(request)
        membership = get_by_id(request.dbsession, Membership, request.matchdict["membership_id"])
        if membership is None or membership.body_id != self.body.id:
            raise HTTPNotFound()
        self.membership = membership


def body_list_factory(request):
    return Root(request)
