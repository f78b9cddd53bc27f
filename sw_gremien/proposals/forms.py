"""Colander schemas for proposals, their path and the proposal types."""

from __future__ import annotations

import colander
import deform
from sqlalchemy import or_, select

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body
from sw_gremien.districts import DISTRICT_CHOICES
from sw_gremien.forms import CSRFSchema, strip_whitespace
from sw_gremien.i18n import _
from sw_gremien.proposals.models import CONSULTATION_ROLE_LABELS, ProposalType
from sw_gremien.proposals.services import working_groups_of
from sw_gremien.text import Money

MARKDOWN_HELP = _("Plain text; **bold**, *italic*, lists with “-” and links work (Markdown).")
PATH_ROWS = 6


def _translated(request, choices):
    return [(value, request.localizer.translate(label)) for value, label in choices]


def _type_condition(kw):
    """The active types; on edit also the proposal's own, even if the office has retired it
    meanwhile (otherwise the form would quietly switch it to the first type in the list)."""
    condition = ProposalType.active.is_(True)
    proposal = getattr(kw.get("context"), "proposal", None)
    if proposal is not None:
        condition = or_(condition, ProposalType.id == proposal.type_id)
    return condition


@colander.deferred
def deferred_type_widget(node, kw):
    types = kw["request"].dbsession.scalars(
        select(ProposalType).where(_type_condition(kw)).order_by(ProposalType.position, ProposalType.name)
    ).all()
    return deform.widget.SelectWidget(values=[(str(t.id), t.name) for t in types])


@colander.deferred
def deferred_type_validator(node, kw):
    ids = set(kw["request"].dbsession.scalars(select(ProposalType.id).where(_type_condition(kw))))
    return colander.OneOf(ids)


@colander.deferred
def deferred_origin_widget(node, kw):
    bodies = working_groups_of(kw["request"].dbsession, kw["request"].user)
    return deform.widget.SelectWidget(values=[(str(b.id), b.name) for b in bodies])


@colander.deferred
def deferred_origin_validator(node, kw):
    return colander.OneOf({b.id for b in working_groups_of(kw["request"].dbsession, kw["request"].user)})


@colander.deferred
def deferred_co_author_widget(node, kw):
    users = kw["request"].dbsession.execute(
        select(User.id, User.display_name).where(User.active.is_(True)).order_by(User.display_name)
    ).all()
    return deform.widget.SelectWidget(values=[(str(uid), name) for uid, name in users], multiple=True, size=6)


@colander.deferred
def deferred_co_author_validator(node, kw):
    """Only people the list offers (a tampered value must not reach int() in the view)."""
    ids = kw["request"].dbsession.scalars(select(User.id).where(User.active.is_(True)))
    return colander.ContainsOnly({str(uid) for uid in ids})


@colander.deferred
def deferred_district_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=DISTRICT_CHOICES, inline=True)


class ProposalSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(), missing=None)
    title = colander.SchemaNode(
        colander.String(), title=_("Title"), preparer=strip_whitespace,
        validator=colander.Length(min=3, max=300),
    )
    type_id = colander.SchemaNode(
        colander.Integer(), title=_("Type of proposal"), widget=deferred_type_widget,
        validator=deferred_type_validator,
        description=_("The type sets the default consultation path."),
    )
    origin_body_id = colander.SchemaNode(
        colander.Integer(), title=_("Working group"), widget=deferred_origin_widget,
        validator=deferred_origin_validator,
    )
    co_author_ids = colander.SchemaNode(
        colander.Set(), title=_("Co-authors"), missing=set(), widget=deferred_co_author_widget,
        validator=deferred_co_author_validator,
        description=_("Hold Ctrl (or Cmd) to choose several people."),
    )
    subject = colander.SchemaNode(
        colander.String(), title=_("Subject matter"), missing="", preparer=strip_whitespace,
        widget=deform.widget.TextAreaWidget(rows=8), description=MARKDOWN_HELP,
    )
    resolution = colander.SchemaNode(
        colander.String(), title=_("Proposed resolution"), missing="", preparer=strip_whitespace,
        widget=deform.widget.TextAreaWidget(rows=5), description=MARKDOWN_HELP,
    )
    reasoning = colander.SchemaNode(
        colander.String(), title=_("Reasoning"), missing="", preparer=strip_whitespace,
        widget=deform.widget.TextAreaWidget(rows=8), description=MARKDOWN_HELP,
    )
    cost_estimate = colander.SchemaNode(
        Money(), title=_("Cost estimate (EUR)"), missing=None,
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}),
        description=_("Leave empty if the proposal costs nothing."),
    )
    districts = colander.SchemaNode(
        colander.Set(), title=_("Districts concerned"), missing=set(), widget=deferred_district_widget,
        validator=colander.ContainsOnly([key for key, _name in DISTRICT_CHOICES]),
    )


class ProposalEditSchema(ProposalSchema):
    """On edit the working group is fixed: it decides who may check the proposal."""

    def after_bind(self, node, kw):
        del node["origin_body_id"]


@colander.deferred
def deferred_body_choices(node, kw):
    bodies = kw["request"].dbsession.execute(
        select(Body.id, Body.name).where(Body.active.is_(True)).order_by(Body.position, Body.name)
    ).all()
    empty = kw["request"].localizer.translate(_("– no step –"))
    return deform.widget.SelectWidget(values=[("", empty)] + [(str(i), n) for i, n in bodies])


@colander.deferred
def deferred_role_choices(node, kw):
    return deform.widget.SelectWidget(values=_translated(kw["request"], [(str(k), v) for k, v in CONSULTATION_ROLE_LABELS.items()]))


def path_step_node(index: int) -> colander.SchemaNode:
    step = colander.SchemaNode(colander.Mapping(), name=f"step{index}", title=_("Step ${number}", mapping={"number": index}))
    step.add(colander.SchemaNode(colander.Integer(), name="body_id", title=_("Body"), missing=None,
                                 widget=deferred_body_choices))
    step.add(colander.SchemaNode(colander.String(), name="role", title=_("Role"), missing="preliminary",
                                 widget=deferred_role_choices,
                                 validator=colander.OneOf([str(k) for k in CONSULTATION_ROLE_LABELS])))
    return step


class PathSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(), missing=None)


def make_path_schema() -> colander.Schema:
    schema = PathSchema()
    for index in range(1, PATH_ROWS + 1):
        schema.add(path_step_node(index))
    return schema


ORIGIN = "origin"


@colander.deferred
def deferred_type_body_choices(node, kw):
    translate = kw["request"].localizer.translate
    bodies = kw["request"].dbsession.execute(
        select(Body.id, Body.name).where(Body.active.is_(True)).order_by(Body.position, Body.name)
    ).all()
    return deform.widget.SelectWidget(values=[
        ("", translate(_("– no step –"))),
        (ORIGIN, translate(_("the proposal's own working group"))),
    ] + [(str(i), n) for i, n in bodies])


def make_type_schema() -> colander.Schema:
    schema = ProposalTypeSchema()
    for index in range(1, PATH_ROWS + 1):
        step = colander.SchemaNode(colander.Mapping(), name=f"step{index}",
                                   title=_("Step ${number}", mapping={"number": index}))
        step.add(colander.SchemaNode(colander.String(), name="body", title=_("Body"), missing="",
                                     widget=deferred_type_body_choices))
        step.add(colander.SchemaNode(colander.String(), name="role", title=_("Role"), missing="preliminary",
                                     widget=deferred_role_choices,
                                     validator=colander.OneOf([str(k) for k in CONSULTATION_ROLE_LABELS])))
        schema.add(step)
    return schema


@colander.deferred
def deferred_unique_type_name(node, kw):
    """The length rule, then no other type may carry the name (the column is unique: a
    duplicate would otherwise fail only at the commit)."""
    dbsession = kw["request"].dbsession
    editing = getattr(kw.get("context"), "proposal_type", None)
    length = colander.Length(min=3, max=120)

    def validate(node, value):
        length(node, value)
        query = select(ProposalType.id).where(ProposalType.name == value)
        if editing is not None:
            query = query.where(ProposalType.id != editing.id)
        if dbsession.scalar(query) is not None:
            raise colander.Invalid(node, _("Another proposal type already has this name."))

    return validate


class ProposalTypeSchema(CSRFSchema):
    name = colander.SchemaNode(colander.String(), title=_("Name"), preparer=strip_whitespace,
                               validator=deferred_unique_type_name)
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      preparer=strip_whitespace, widget=deform.widget.TextAreaWidget(rows=3))
    informational = colander.SchemaNode(colander.Boolean(), title=_("Information only"), missing=False,
                                        label=_("Needs no decision step (taken note of only)"))
    active = colander.SchemaNode(colander.Boolean(), title=_("Status"), missing=False, default=True,
                                 label=_("Can be chosen for new proposals"))
    position = colander.SchemaNode(colander.Integer(), title=_("Position in lists"), default=0,
                                   validator=colander.Range(0, 999))
