"""Login, logout, password reset, own account, and the office's user administration."""

from __future__ import annotations

import math

import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts import services
from sw_gremien.accounts.forms import (
    ChangePasswordSchema,
    LoginSchema,
    PasswordForgottenSchema,
    ProfileSchema,
    SetPasswordSchema,
    UserAddSchema,
    UserEditSchema,
)
from sw_gremien.accounts.models import AccountEvent, TokenPurpose, User
from sw_gremien.bodies.models import Membership
from sw_gremien.forms import FormView, form_counter
from sw_gremien.i18n import _, get_localizer_for, pluralize, set_locale_cookie
from sw_gremien.mail import public_url, send_mail
from sw_gremien.security import Permissions

USERS_PER_PAGE = 50

ACCOUNT_EVENT_LABELS = {
    "created": _("account created"),
    "edited": _("account edited"),
    "invited": _("invitation sent"),
    "self_registered": _("registered as an initiative"),
    "registration_repeated": _("registration attempted again with this address"),
    "deactivated": _("account deactivated"),
    "reactivated": _("account reactivated"),
    "password_changed": _("password changed"),
    "password_set_by_token": _("password set with an e-mailed link"),
    "contact_added": _("added as a contact of an organisation"),
    "contact_removed": _("removed as a contact of an organisation"),
}


def safe_came_from(value: str | None, request) -> str:
    """Only a path on this site: never an open redirect to somewhere else. Backslashes and
    control characters are refused too: browsers drop tabs and read backslashes as slashes,
    which would turn such a path into "//another-host"."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
    ):
        return value
    return request.route_path("home")


@view_config(route_name="login", renderer="accounts/login.jinja2", permission=Permissions.PUBLIC)
class LoginView(FormView):
    schema = LoginSchema
    buttons = (deform.Button("login", _("Log in")),)
    form_id = "login"
    focus = "on"

    def appstruct(self):
        return {"came_from": self.request.params.get("came_from", "")}

    def login_success(self, appstruct):
        request = self.request
        dbsession = request.dbsession
        limit = services.RateLimit.from_settings(request.registry.settings)
        ip_address = request.remote_addr or "unknown"
        email = appstruct["email"]

        # Shown again: the address and where to go; never the password.
        kept = {"email": email, "came_from": appstruct["came_from"]}
        wait = services.login_blocked_for(dbsession, limit, email, ip_address)
        if wait is not None:
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            return self.refuse(
                pluralize(
                    request,
                    "Too many failed login attempts. For your protection, logging in is paused: "
                    "please try again in ${minutes} minute or reset your password.",
                    "Too many failed login attempts. For your protection, logging in is paused: "
                    "please try again in ${minutes} minutes or reset your password.",
                    minutes,
                    mapping={"minutes": minutes},
                ),
                kept,
                status=429,
            )

        user = services.find_user_by_email(dbsession, email)
        if not services.verify_password(user, appstruct["password"]) or not user.active:
            services.record_login_failure(dbsession, email, ip_address)
            return self.refuse(_("The e-mail address or the password is wrong."), kept)

        services.clear_login_failures(dbsession, email)
        user.last_login_at = services.utcnow()
        remember(request, user.id)
        # Without a way back, the desk is where work starts.
        if not appstruct["came_from"]:
            return HTTPFound(request.route_path("desk"))
        return HTTPFound(safe_came_from(appstruct["came_from"], request))

@view_config(route_name="logout", renderer="accounts/logout.jinja2", permission=Permissions.PUBLIC)
def logout(request):
    if request.method == "POST":
        forget(request)
        request.session.flash(request.localizer.translate(_("You have been logged out.")), "success")
        return HTTPFound(request.route_path("home"))
    if request.user is None:
        return HTTPFound(request.route_path("home"))
    return {}


@view_config(
    route_name="password_forgotten",
    renderer="accounts/password_forgotten.jinja2",
    permission=Permissions.PUBLIC,
)
class PasswordForgottenView(FormView):
    schema = PasswordForgottenSchema
    buttons = (deform.Button("send", _("Send link")),)
    form_id = "password-forgotten"

    def send_success(self, appstruct):
        request = self.request
        user = services.find_user_by_email(request.dbsession, appstruct["email"])
        if user is not None and user.active:
            token = services.issue_token(request.dbsession, user, TokenPurpose.PASSWORD_RESET)
            send_mail(
                request,
                [user.email],
                _("Reset your password for the Stuttgarter Weg"),
                "accounts/mail_password_reset.txt.jinja2",
                {"user": user, "link": public_url(request, "password_set", token=token)},
                locale=user.locale,
            )
        # The same answer whether the account exists or not: nobody learns who has one.
        self.flash(
            _(
                "If an account exists for ${email}, we have sent it a link to set a new "
                "password. The link is valid for two hours.",
                mapping={"email": appstruct["email"]},
            )
        )
        return self.redirect("login")


@view_config(route_name="password_set", renderer="accounts/password_set.jinja2", permission=Permissions.PUBLIC)
class PasswordSetView(FormView):
    schema = SetPasswordSchema
    buttons = (deform.Button("save", _("Set password")),)
    form_id = "password-set"

    def __call__(self):
        self.token = services.find_valid_token(self.request.dbsession, self.request.matchdict["token"])
        if self.token is None:
            self.request.response.status = 410
            return {"form": None, "token_valid": False}
        return super().__call__()

    def page_values(self):
        return {"token_valid": True, "invitation": self.token.purpose == TokenPurpose.INVITATION}

    def save_success(self, appstruct):
        request = self.request
        user = services.set_password_with_token(request.dbsession, self.token, appstruct["password"])
        services.clear_login_failures(request.dbsession, user.email)
        remember(request, user.id)
        self.flash(_("Your password has been set. Welcome, ${name}!", mapping={"name": user.display_name}))
        return self.redirect("home")


@view_config(route_name="account", renderer="accounts/account.jinja2", permission=Permissions.AUTHENTICATED)
class AccountView(FormView):
    """The own account: name and language; the password in a second form on the same page."""

    schema = ProfileSchema
    form_id = "profile"

    def appstruct(self):
        user = self.request.user
        return {"display_name": user.display_name, "locale": user.locale}

    def page_values(self):
        return {"password_form": getattr(self, "password_form_html", None) or self._password_form().render()}

    def _password_form(self):
        schema = ChangePasswordSchema().bind(request=self.request, user=self.request.user)
        button = deform.Button("change_password", self.request.localizer.translate(_("Change password")))
        return deform.Form(schema, buttons=[button], formid="password", focus="off",
                           counter=form_counter(self.request))

    def __call__(self):
        if self.request.method == "POST" and "change_password" in self.request.POST:
            return self.change_password()
        return super().__call__()

    def save_success(self, appstruct):
        user = self.request.user
        user.display_name = appstruct["display_name"]
        user.locale = appstruct["locale"]
        response = self.redirect("account")
        set_locale_cookie(self.request, response, user.locale)
        self.request.session.flash(
            get_localizer_for(self.request, user.locale).translate(_("Your details have been saved.")),
            "success",
        )
        return response

    def change_password(self):
        request = self.request
        form = self._password_form()
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as exc:
            request.response.status = 422
            self.password_form_html = exc.render()
            return self.render(self.make_form().render(self.appstruct()))
        user = request.user
        services.change_password(request.dbsession, user, appstruct["password"])
        services.record_event(request.dbsession, user, "password_changed", actor=user)
        # The change ended every session, this one too: start a fresh one.
        remember(request, user.id)
        self.flash(_("Your password has been changed. Other sessions have been logged out."))
        return self.redirect("account")


# -- Administration by the office ----------------------------------------------------------
@view_config(route_name="admin_users", renderer="admin/users.jinja2", permission=Permissions.MANAGE_USERS)
def user_list(request):
    query = request.params.get("q", "").strip()
    try:
        page = max(1, int(request.params.get("seite", "1")))
    except ValueError:
        page = 1
    statement = select(User)
    if query:
        # % and _ typed in the search box are searched for, not wildcards.
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    total = request.dbsession.scalar(select(func.count()).select_from(statement.subquery()))
    users = request.dbsession.scalars(
        statement.options(selectinload(User.memberships).selectinload(Membership.body))
        .order_by(User.display_name, User.id)
        .limit(USERS_PER_PAGE)
        .offset((page - 1) * USERS_PER_PAGE)
    ).all()
    pages = max(1, math.ceil(total / USERS_PER_PAGE))
    return {"users": users, "query": query, "page": page, "pages": pages, "total": total}


def send_invitation(request, user: User) -> None:
    token = services.issue_token(request.dbsession, user, TokenPurpose.INVITATION)
    send_mail(
        request,
        [user.email],
        _("Your access to the committee system of the Stuttgarter Weg"),
        "accounts/mail_invitation.txt.jinja2",
        {"user": user, "inviter": request.user, "link": public_url(request, "password_set", token=token)},
        locale=user.locale,
    )
    services.record_event(request.dbsession, user, "invited", actor=request.user, ip_address=request.remote_addr)


@view_config(route_name="admin_user_add", renderer="admin/user_form.jinja2", permission=Permissions.MANAGE_USERS)
class UserAddView(FormView):
    schema = UserAddSchema
    form_id = "user"

    def appstruct(self):
        return {"locale": "de", "send_invitation": True}

    def page_values(self):
        return {"edited_user": None}

    def save_success(self, appstruct):
        request = self.request
        user = services.create_user(
            request.dbsession,
            email=appstruct["email"],
            display_name=appstruct["display_name"],
            global_role=appstruct["global_role"],
            locale=appstruct["locale"],
            actor=request.user,
        )
        if appstruct["send_invitation"]:
            send_invitation(request, user)
            self.flash(_("${name} has been created and invited by e-mail.", mapping={"name": user.display_name}))
        else:
            self.flash(_("${name} has been created.", mapping={"name": user.display_name}))
        return self.redirect("admin_user_edit", user_id=user.id)


@view_config(route_name="admin_user_edit", renderer="admin/user_form.jinja2", permission=Permissions.MANAGE_USERS)
class UserEditView(FormView):
    schema = UserEditSchema
    form_id = "user"

    def schema_bindings(self):
        return {"editing": self.context.user, "actor": self.request.user}

    def appstruct(self):
        user = self.context.user
        return {
            "email": user.email,
            "display_name": user.display_name,
            "global_role": user.global_role or "",
            "locale": user.locale,
            "active": user.active,
        }

    def page_values(self):
        user = self.context.user
        events = self.request.dbsession.scalars(
            select(AccountEvent)
            .where(AccountEvent.user_id == user.id)
            .options(selectinload(AccountEvent.actor))
            .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc())
            .limit(20)
        ).all()
        memberships = self.request.dbsession.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .options(selectinload(Membership.body))
            .order_by(Membership.start_date.desc())
        ).all()
        return {"edited_user": user, "events": events, "memberships": memberships,
                "event_labels": ACCOUNT_EVENT_LABELS}

    def save_success(self, appstruct):
        request = self.request
        user = self.context.user
        user.email = services.normalize_email(appstruct["email"])
        user.display_name = appstruct["display_name"]
        user.global_role = appstruct["global_role"] or None
        user.locale = appstruct["locale"]
        if user.active and not appstruct["active"]:
            services.deactivate_user(request.dbsession, user, actor=request.user)
        elif not user.active and appstruct["active"]:
            services.reactivate_user(request.dbsession, user, actor=request.user)
        else:
            services.record_event(request.dbsession, user, "edited", actor=request.user)
        self.flash(_("The account of ${name} has been saved.", mapping={"name": user.display_name}))
        return self.redirect("admin_user_edit", user_id=user.id)


@view_config(
    route_name="admin_user_invite", request_method="POST", permission=Permissions.MANAGE_USERS
)
def user_invite(context, request):
    user = context.user
    if user.active:
        send_invitation(request, user)
        request.session.flash(
            request.localizer.translate(
                _("A new invitation has been sent to ${email}.", mapping={"email": user.email})
            ),
            "success",
        )
    return HTTPFound(request.route_path("admin_user_edit", user_id=user.id))
