"""Route factories for account pages."""

from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.accounts.models import User
from sw_gremien.security import Root


class UserResource:
    """One user, as the office administers them (the root's ACL grants that)."""

    __acl__: list = []

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        user = request.dbsession.get(User, int(request.matchdict["user_id"]))
        if user is None:
            raise HTTPNotFound()
        self.user = user
