"""Colander schemas of the body and membership forms."""

from __future__ import annotations

import colander
import deform
from sqlalchemy import select

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import (
    BODY_KIND_LABELS,
    MEMBERSHIP_ROLE_LABELS,
    RHYTHM_LABELS,
    Body,
)
from sw_gremien.bodies.services import overlapping_membership
from sw_gremien.forms import CSRFSchema, strip_whitespace
from sw_gremien.i18n import _


def _choices(labels):
    return [(str(key), label) for key, label in labels.items()]


def unique_body_field(length: colander.Length):
    """A validator: the length rule, then no other body may carry the same value."""

    @colander.deferred
    def deferred(node, kw):
        dbsession = kw["request"].dbsession
        editing = kw.get("body")
        column = getattr(Body, node.name)

        def validate(node, value):
            length(node, value)
            query = select(Body.id).where(column == value)
            if editing is not None:
                query = query.where(Body.id != editing.id)
            if dbsession.scalar(query) is not None:
                raise colander.Invalid(node, _("Another body already uses this."))

        return validate

    return deferred


class BodySchema(CSRFSchema):
    short_name = colander.SchemaNode(
        colander.String(),
        title=_("Abbreviation"),
        description=_("As the city uses it, e.g. AG-SA. Forms the address of the body's page."),
        preparer=strip_whitespace,
        validator=unique_body_field(colander.Length(min=2, max=20)),
    )
    name = colander.SchemaNode(
        colander.String(),
        title=_("Name"),
        preparer=strip_whitespace,
        validator=unique_body_field(colander.Length(min=3, max=200)),
    )
    kind = colander.SchemaNode(
        colander.String(),
        title=_("Kind"),
        widget=deform.widget.SelectWidget(values=_choices(BODY_KIND_LABELS)),
        validator=colander.OneOf([str(k) for k in BODY_KIND_LABELS]),
    )
    rhythm = colander.SchemaNode(
        colander.String(),
        title=_("Meets"),
        widget=deform.widget.SelectWidget(values=_choices(RHYTHM_LABELS)),
        validator=colander.OneOf([str(k) for k in RHYTHM_LABELS]),
    )
    description = colander.SchemaNode(
        colander.String(),
        title=_("Task"),
        description=_("What the body does, in a few sentences. Shown on the public page."),
        missing="",
        preparer=strip_whitespace,
        widget=deform.widget.TextAreaWidget(rows=4),
    )
    has_public_part = colander.SchemaNode(
        colander.Boolean(),
        title=_("Public"),
        label=_("Meets partly in public (public and non-public part)"),
        missing=False,
    )
    notice_period_days = colander.SchemaNode(
        colander.Integer(),
        title=_("Notice period in days"),
        description=_("How many days before a meeting the invitation must go out."),
        default=7,
        validator=colander.Range(0, 60),
    )
    position = colander.SchemaNode(
        colander.Integer(),
        title=_("Position in lists"),
        default=0,
        validator=colander.Range(0, 999),
    )


class BodyEditSchema(BodySchema):
    active = colander.SchemaNode(
        colander.Boolean(),
        title=_("Status"),
        label=_("Body is active"),
        missing=False,
    )


@colander.deferred
def deferred_user_choices(node, kw):
    users = kw["request"].dbsession.execute(
        select(User.id, User.display_name, User.email)
        .where(User.active.is_(True))
        .order_by(User.display_name)
    ).all()
    choices = [("", kw["request"].localizer.translate(_("– please choose –")))]
    choices += [(str(user_id), f"{name} ({email})") for user_id, name, email in users]
    return deform.widget.SelectWidget(values=choices)


@colander.deferred
def deferred_membership_validator(node, kw):
    request = kw["request"]
    body = kw["body"]
    editing = kw.get("membership")

    def validate(form, value):
        exc = colander.Invalid(form)
        if value["end_date"] is not None and value["end_date"] < value["start_date"]:
            exc["end_date"] = _("The end date lies before the start date.")
        elif overlapping_membership(
            request.dbsession,
            body.id,
            value["user_id"],
            value["start_date"],
            value["end_date"],
            except_id=editing.id if editing else None,
        ):
            exc["user_id"] = _("This person is already a member of this body during this period.")
        if exc.children:
            raise exc

    return validate


class MembershipSchema(CSRFSchema):
    user_id = colander.SchemaNode(
        colander.Integer(),
        title=_("Person"),
        widget=deferred_user_choices,
    )
    role = colander.SchemaNode(
        colander.String(),
        title=_("Role"),
        widget=deform.widget.SelectWidget(values=_choices(MEMBERSHIP_ROLE_LABELS)),
        validator=colander.OneOf([str(k) for k in MEMBERSHIP_ROLE_LABELS]),
    )
    voting = colander.SchemaNode(
        colander.Boolean(),
        title=_("Voting right"),
        label=_("Has a vote"),
        default=True,
        missing=False,
    )
    start_date = colander.SchemaNode(
        colander.Date(),
        title=_("From"),
        widget=deform.widget.DateInputWidget(),
    )
    end_date = colander.SchemaNode(
        colander.Date(),
        title=_("Until"),
        description=_("Leave empty while the membership lasts."),
        missing=None,
        widget=deform.widget.DateInputWidget(),
    )
    note = colander.SchemaNode(
        colander.String(),
        title=_("Note"),
        description=_("E.g. the office or organisation the person represents."),
        missing="",
        preparer=strip_whitespace,
        validator=colander.Length(max=200),
    )
    validator = deferred_membership_validator
