"""Route factories for account pages."""

from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.accounts.models import User
from sw_gremien.db import get_by_id
from sw_gremien.security import Permissions, Root


class UserResource:
    """One user, as the office administers them (the root's ACL grants that)."""

    __acl__: list = []

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.user = None
        # Only the office learns whether an account exists: everyone else meets the
        # permission check (login or 403) whatever the id.
        if not request.has_permission(Permissions.MANAGE_USERS, self.__parent__):
            return
        self.user = get_by_id(request.dbsession, User, request.matchdict["user_id"])
        if self.user is None:
            raise HTTPNotFound()
