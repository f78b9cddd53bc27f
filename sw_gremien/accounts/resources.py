"""Route factories for account pages."""

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.accounts.models import User
from sw_gremien.security import ADMIN_PRINCIPAL, Permissions


class UserResource:
    """One user, as the office administers them."""

    __acl__ = [(Allow, ADMIN_PRINCIPAL, Permissions.MANAGE_USERS)]

    def __init__(self, request):
        self.request = request
        user = request.dbsession.get(User, int(request.matchdict["user_id"]))
        if user is None:
            raise HTTPNotFound()
        self.user = user
