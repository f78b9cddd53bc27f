"""Route factories for account pages."""

from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.accounts.models import User
from sw_gremien.security import Root

# The largest value of the integer primary key (PostgreSQL's 32-bit ``integer``).
MAX_ID = 2**31 - 1


class UserResource:
    """One user, as the office administers them (the root's ACL grants that)."""

    __acl__: list = []

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        user_id = int(request.matchdict["user_id"])
        # Beyond the integer column's range the database would fail instead of finding nothing.
        user = request.dbsession.get(User, user_id) if user_id <= MAX_ID else None
        if user is None:
            raise HTTPNotFound()
        self.user = user
