"""Who may do what.

Identity comes from the server-side session; principals from the user's global role and
memberships. Permissions are granted by ``__acl__`` on the context objects that the route
factories build, so a view only names the permission it needs. Anything a view does not
name is denied (``DENY_BY_DEFAULT`` is the default permission, which no ACL grants).
"""

from __future__ import annotations

import enum

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import RequestLocalCache
from sqlalchemy import select

from sw_gremien.accounts.models import GlobalRole, User
from sw_gremien.bodies.models import Membership, MembershipRole
from sw_gremien.i18n import today


class Permissions(enum.StrEnum):
    # Granted to everyone, including anonymous visitors.
    PUBLIC = "public"
    # Granted to every logged-in user.
    AUTHENTICATED = "authenticated"
    VIEW_BODY_MEMBERS = "view-body-members"
    VIEW_BODY_CONTACTS = "view-body-contacts"
    MANAGE_BODIES = "manage-bodies"
    MANAGE_USERS = "manage-users"
    VIEW_WORKFLOWS = "view-workflows"
    MANAGE_PROPOSAL_TYPES = "manage-proposal-types"
    EDIT_PATH = "edit-consultation-path"
    # Plan meetings of a body (its secretaries and the office).
    MANAGE_MEETINGS = "manage-meetings"
    # See a meeting's public part (everyone, once a public meeting is convened) or more.
    VIEW_MEETING = "view-meeting"
    # See all of a meeting: both parts, the note, attendance and minutes (its body, the office).
    VIEW_MEETING_DETAILS = "view-meeting-details"
    # Correct approved minutes, as a new version with the reason (secretaries, office).
    CORRECT_MINUTES = "correct-minutes"
    # Bank and contact data of applicants: the applicant and the office.
    VIEW_PERSONAL_DATA = "view-personal-data"
    # The fund's budgets, ledger and all applications (the office).
    MANAGE_FUND = "manage-fund"
    # Amounts and conditions on a grant list: the office, and the secretaries of the body whose
    # step is open (sw_gremien.funding.grant_list.editor_principals).
    EDIT_GRANT_LIST = "edit-grant-list"
    # On workflow objects, granted by their state (sw_gremien.workflow.engine.workflow_acl).
    VIEW_OBJECT = "view-object"
    EDIT_OBJECT = "edit-object"
    FIRE_TRANSITION = "fire-transition"
    # The default permission: never granted, so a view without a declared one is refused.
    DENY_BY_DEFAULT = "deny-by-default"


ADMIN_PRINCIPAL = f"role:{GlobalRole.ADMIN}"
# Held by everyone with a current membership in any body.
COMMITTEE_PRINCIPAL = "group:committee"


def user_principal(user_id: int) -> str:
    return f"user:{user_id}"


def body_principal(body_id: int, role: str | None = None) -> str:
    """``body:3`` for any current member of body 3, ``body:3:secretary`` for a role in it."""
    return f"body:{body_id}" if role is None else f"body:{body_id}:{role}"


# Who holds a body's chair (the workflows' "body_chair"): the chair and the deputy.
CHAIR_ROLES = (MembershipRole.CHAIR, MembershipRole.DEPUTY_CHAIR)


def chair_principals(body_id: int) -> list[str]:
    return [body_principal(body_id, role) for role in CHAIR_ROLES]


def bodies_in(principals, roles: tuple[str, ...] | None = None) -> list[int]:
    """The inverse of body_principal: the ids of the bodies the principals name, as a member
    (``roles=None``) or in one of ``roles``."""
    ids = []
    for principal in principals:
        parts = principal.split(":")
        if parts[0] != "body":
            continue
        if (roles is None and len(parts) == 2) or (roles is not None and len(parts) == 3 and parts[2] in roles):
            ids.append(int(parts[1]))
    return ids


def principals_for(user: User, memberships: list[Membership]) -> list[str]:
    principals = [Everyone, Authenticated, user_principal(user.id)]
    if user.global_role:
        principals.append(f"role:{user.global_role}")
    # Guests attend, they do not belong: they get their guest principal only, not the body's
    # nor the committee's.
    full = [m for m in memberships if m.role != MembershipRole.GUEST]
    if full:
        principals.append(COMMITTEE_PRINCIPAL)
    for membership in full:
        principals.append(body_principal(membership.body_id))
    for membership in memberships:
        principals.append(body_principal(membership.body_id, membership.role))
    return principals


class SecurityPolicy:
    """Pyramid security policy over the server-side session (sw_gremien.sessions)."""

    def __init__(self):
        self.identity_cache = RequestLocalCache(self._load_identity)
        self.principals_cache = RequestLocalCache(self._load_principals)
        self.acl = ACLHelper()

    def _load_identity(self, request) -> User | None:
        user_id = request.session.get("user_id")
        if user_id is None:
            return None
        user = request.dbsession.get(User, user_id)
        if user is None or not user.active:
            return None
        return user

    def _load_principals(self, request) -> list[str]:
        user = self.identity(request)
        if user is None:
            return [Everyone]
        memberships = request.dbsession.scalars(
            select(Membership).where(Membership.user_id == user.id, Membership.active_on(today()))
        ).all()
        return principals_for(user, list(memberships))

    def identity(self, request) -> User | None:
        return self.identity_cache.get_or_create(request)

    def authenticated_userid(self, request):
        user = self.identity(request)
        return None if user is None else user.id

    def permits(self, request, context, permission):
        return self.acl.permits(context, self.principals_cache.get_or_create(request), permission)

    def principals(self, request) -> list[str]:
        return self.principals_cache.get_or_create(request)

    def remember(self, request, userid, **kw):
        request.session.rotate()
        request.session["user_id"] = userid
        self.identity_cache.clear(request)
        self.principals_cache.clear(request)
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        self.identity_cache.clear(request)
        self.principals_cache.clear(request)
        return []


class Root:
    """The context of every page that is not about one object."""

    __acl__ = [
        (Allow, Everyone, Permissions.PUBLIC),
        (Allow, Authenticated, Permissions.AUTHENTICATED),
        (Allow, ADMIN_PRINCIPAL,
         (Permissions.MANAGE_BODIES, Permissions.MANAGE_USERS, Permissions.VIEW_WORKFLOWS,
          Permissions.MANAGE_PROPOSAL_TYPES, Permissions.MANAGE_FUND)),
    ]

    def __init__(self, request):
        self.request = request


def can(request, permission, context=None) -> bool:
    """For templates: may the current user do this here? Pages whose context failed to load
    (a 404 raised by the route factory) ask the root."""
    if context is None:
        context = getattr(request, "context", None) or Root(request)
    return bool(request.has_permission(permission, context))


def includeme(config):
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(Root)
    config.set_default_permission(Permissions.DENY_BY_DEFAULT)
    config.set_default_csrf_options(require_csrf=True)
    config.add_request_method(lambda request: request.identity, "user", property=True)
    config.add_request_method(can, "can")
    config.add_request_method(
        lambda request: request.registry.getUtility(ISecurityPolicy).principals(request),
        "principals",
        property=True,
    )


__all__ = ["Permissions", "SecurityPolicy", "Root", "MembershipRole"]
