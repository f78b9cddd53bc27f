"""Colander schemas of the account forms."""

from __future__ import annotations

import colander
import deform

from sw_gremien.accounts.models import GlobalRole
from sw_gremien.accounts.services import MIN_PASSWORD_LENGTH, email_taken, verify_password
from sw_gremien.forms import CSRFSchema, strip_whitespace
from sw_gremien.i18n import LOCALE_NAMES, _

LOCALE_CHOICES = list(LOCALE_NAMES.items())


class LoginSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(),
        title=_("E-mail address"),
        preparer=strip_whitespace,
        widget=deform.widget.TextInputWidget(
            attributes={"autocomplete": "username", "type": "email", "spellcheck": "false"}
        ),
    )
    password = colander.SchemaNode(
        colander.String(),
        title=_("Password"),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )
    came_from = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(), missing=""
    )


class PasswordForgottenSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(),
        title=_("E-mail address"),
        preparer=strip_whitespace,
        validator=colander.Email(msg=_("Please enter a valid e-mail address.")),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "email", "type": "email"}),
    )


def password_validator(node, value):
    if len(value) < MIN_PASSWORD_LENGTH:
        raise colander.Invalid(
            node,
            _("The password needs at least ${count} characters.", mapping={"count": MIN_PASSWORD_LENGTH}),
        )
    if value.strip() == "":
        raise colander.Invalid(node, _("The password must not consist of spaces only."))


def _new_password_node(title):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        validator=password_validator,
        description=_("At least ${count} characters. A sentence you can remember works well.",
                      mapping={"count": MIN_PASSWORD_LENGTH}),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "new-password"}),
    )


def _passwords_match(form, value):
    if value["password"] != value["password_repeat"]:
        exc = colander.Invalid(form)
        exc["password_repeat"] = _("The two passwords differ.")
        raise exc


class SetPasswordSchema(CSRFSchema):
    password = _new_password_node(_("New password"))
    password_repeat = colander.SchemaNode(
        colander.String(),
        title=_("Repeat the new password"),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "new-password"}),
    )
    validator = staticmethod(_passwords_match)


@colander.deferred
def deferred_current_password(node, kw):
    def validate(node, value):
        if not verify_password(kw["user"], value):
            raise colander.Invalid(node, _("This is not your current password."))

    return validate


class ChangePasswordSchema(CSRFSchema):
    current_password = colander.SchemaNode(
        colander.String(),
        title=_("Current password"),
        validator=deferred_current_password,
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )
    password = _new_password_node(_("New password"))
    password_repeat = colander.SchemaNode(
        colander.String(),
        title=_("Repeat the new password"),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "new-password"}),
    )
    validator = staticmethod(_passwords_match)


class ProfileSchema(CSRFSchema):
    display_name = colander.SchemaNode(
        colander.String(),
        title=_("Name"),
        preparer=strip_whitespace,
        validator=colander.Length(min=2, max=200),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "name"}),
    )
    locale = colander.SchemaNode(
        colander.String(),
        title=_("Language"),
        widget=deform.widget.SelectWidget(values=LOCALE_CHOICES),
        validator=colander.OneOf(list(LOCALE_NAMES)),
    )


@colander.deferred
def deferred_unique_email(node, kw):
    dbsession = kw["request"].dbsession
    editing = kw.get("editing")

    def validate(node, value):
        colander.Email(msg=_("Please enter a valid e-mail address."))(node, value)
        if email_taken(dbsession, value, except_user=editing):
            raise colander.Invalid(node, _("There is already an account with this e-mail address."))

    return validate


GLOBAL_ROLE_CHOICES = [("", _("none")), (GlobalRole.ADMIN.value, _("Office (administration)"))]


class UserSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(),
        title=_("E-mail address"),
        preparer=strip_whitespace,
        validator=deferred_unique_email,
        widget=deform.widget.TextInputWidget(attributes={"type": "email", "autocomplete": "off"}),
    )
    display_name = colander.SchemaNode(
        colander.String(),
        title=_("Name"),
        preparer=strip_whitespace,
        validator=colander.Length(min=2, max=200),
    )
    global_role = colander.SchemaNode(
        colander.String(),
        title=_("Global role"),
        missing="",
        widget=deform.widget.SelectWidget(values=GLOBAL_ROLE_CHOICES),
        validator=colander.OneOf([value for value, _label in GLOBAL_ROLE_CHOICES]),
    )
    locale = colander.SchemaNode(
        colander.String(),
        title=_("Language"),
        default="de",
        widget=deform.widget.SelectWidget(values=LOCALE_CHOICES),
        validator=colander.OneOf(list(LOCALE_NAMES)),
    )


class UserAddSchema(UserSchema):
    send_invitation = colander.SchemaNode(
        colander.Boolean(),
        title=_("Invitation"),
        label=_("Send an invitation by e-mail now"),
        default=True,
        missing=False,
    )


@colander.deferred
def deferred_not_locking_out_oneself(node, kw):
    """The office must not lock itself out: nobody deactivates or demotes their own account."""

    def validate(form, value):
        if kw["editing"].id != kw["actor"].id:
            return
        exc = colander.Invalid(form)
        if not value["active"]:
            exc["active"] = _("You cannot deactivate your own account.")
        if (value["global_role"] or None) != kw["editing"].global_role:
            exc["global_role"] = _("You cannot change your own global role.")
        if exc.children:
            raise exc

    return validate


class UserEditSchema(UserSchema):
    active = colander.SchemaNode(
        colander.Boolean(),
        title=_("Status"),
        label=_("Account is active (may log in)"),
        missing=False,
    )
    validator = deferred_not_locking_out_oneself
