"""Colander schemas of the fund's forms: the self-registration of an initiative, the
organisation's master data, and the application in sections.

Saving a draft checks only what a draft must be (types, lengths, an IBAN if one is given);
what a submission needs is the workflow's guards' business (funding.services)."""

from __future__ import annotations

from decimal import Decimal

import colander
import deform

from sw_gremien.districts import DISTRICT_CHOICES
from sw_gremien.forms import CSRFSchema, strip_whitespace
from sw_gremien.funding.models import COST_CATEGORY_LABELS, ORGANISATION_KIND_LABELS
from sw_gremien.funding.services import iban_problem, normalize_iban, organisations_of
from sw_gremien.i18n import _
from sw_gremien.text import Money

# The cost plan has this many rows; empty ones are ignored (no JavaScript needed to add rows:
# the CSP forbids inline scripts and the form must work without any).
COST_ROWS = 8
AMOUNT_ATTRIBUTES = {"inputmode": "decimal", "autocomplete": "off"}


def _translated(request, choices):
    return [(str(value), request.localizer.translate(label)) for value, label in choices]


class Hours(Money):
    """Volunteer hours with one decimal place, typed the German way ("12,5")."""

    def deserialize(self, node, cstruct):
        try:
            value = super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, _("Please enter a number of hours, e.g. 12,5.")) from None
        if value is colander.null:
            return value
        if value >= Decimal(1000000):
            raise colander.Invalid(node, _("That is too many hours."))
        return value.quantize(Decimal("0.1"))

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        request = (node.bindings or {}).get("request")
        from babel.numbers import format_decimal

        return format_decimal(Decimal(appstruct), format="#,##0.#", locale=request.locale_name if request else "de")


def validate_iban(node, value):
    """An IBAN only if one is given; the message says what is wrong with it."""
    if value:
        problem = iban_problem(value)
        if problem:
            raise colander.Invalid(node, problem)


def iban_preparer(value):
    return normalize_iban(value) if isinstance(value, str) else value


@colander.deferred
def deferred_kind_widget(node, kw):
    return deform.widget.SelectWidget(values=_translated(kw["request"], ORGANISATION_KIND_LABELS.items()))


@colander.deferred
def deferred_district_select(node, kw):
    empty = kw["request"].localizer.translate(_("– all of Stuttgart or several –"))
    return deform.widget.SelectWidget(values=[("", empty)] + list(DISTRICT_CHOICES))


# -- The organisation ---------------------------------------------------------------------------
def organisation_nodes(bank: bool) -> list[colander.SchemaNode]:
    nodes = [
        colander.SchemaNode(colander.String(), name="name", title=_("Name of the organisation"),
                            preparer=strip_whitespace, validator=colander.Length(min=3, max=200),
                            description=_("For example “Freundeskreis Flüchtlinge Vaihingen”.")),
        colander.SchemaNode(colander.String(), name="kind", title=_("Kind of organisation"),
                            widget=deferred_kind_widget,
                            validator=colander.OneOf([str(k) for k in ORGANISATION_KIND_LABELS])),
        colander.SchemaNode(colander.String(), name="district", title=_("District"), missing="",
                            widget=deferred_district_select,
                            validator=colander.OneOf(["", *(key for key, _name in DISTRICT_CHOICES)]),
                            description=_("Where the organisation is mainly active.")),
        colander.SchemaNode(colander.String(), name="street", title=_("Street and number"), missing="",
                            preparer=strip_whitespace, validator=colander.Length(max=200),
                            widget=deform.widget.TextInputWidget(attributes={"autocomplete": "street-address"})),
        colander.SchemaNode(colander.String(), name="postcode", title=_("Postcode"), missing="",
                            preparer=strip_whitespace, validator=colander.Length(max=10),
                            widget=deform.widget.TextInputWidget(attributes={"autocomplete": "postal-code",
                                                                             "inputmode": "numeric"})),
        colander.SchemaNode(colander.String(), name="city", title=_("City"), missing="Stuttgart",
                            default="Stuttgart", preparer=strip_whitespace, validator=colander.Length(max=100)),
        colander.SchemaNode(colander.String(), name="phone", title=_("Phone"), missing="",
                            preparer=strip_whitespace, validator=colander.Length(max=50),
                            widget=deform.widget.TextInputWidget(attributes={"type": "tel", "autocomplete": "tel"})),
    ]
    if bank:
        nodes += [
            colander.SchemaNode(colander.String(), name="email", title=_("E-mail address of the organisation"),
                                missing="", preparer=strip_whitespace,
                                validator=colander.All(colander.Email(), colander.Length(max=254))),
            colander.SchemaNode(colander.String(), name="account_holder", title=_("Account holder"), missing="",
                                preparer=strip_whitespace, validator=colander.Length(max=200),
                                description=_("Prefills each new application.")),
            colander.SchemaNode(colander.String(), name="iban", title=_("IBAN"), missing="",
                                preparer=iban_preparer, validator=validate_iban,
                                widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off",
                                                                                 "spellcheck": "false"}),
                                description=_("For example DE89 3704 0044 0532 0130 00; spaces do not matter.")),
        ]
    return nodes


def make_organisation_schema() -> colander.Schema:
    schema = CSRFSchema()
    for child in organisation_nodes(bank=True):
        schema.add(child)
    return schema


class RegistrationSchema(CSRFSchema):
    """A person registers an initiative: who they are, and the organisation. Logged-in people
    register a further organisation of theirs (the person fields are dropped)."""

    def after_bind(self, node, kw):
        if kw["request"].user is not None:
            del node["person"]


def make_registration_schema() -> colander.Schema:
    schema = RegistrationSchema()
    person = colander.SchemaNode(colander.Mapping(), name="person", title=_("You"))
    person.add(colander.SchemaNode(
        colander.String(), name="display_name", title=_("Your name"), preparer=strip_whitespace,
        validator=colander.Length(min=2, max=200),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "name"})))
    person.add(colander.SchemaNode(
        colander.String(), name="email", title=_("Your e-mail address"), preparer=strip_whitespace,
        validator=colander.All(colander.Email(), colander.Length(max=254)),
        widget=deform.widget.TextInputWidget(attributes={"type": "email", "autocomplete": "email"}),
        description=_("We send a link to this address; with it you choose your password.")))
    schema.add(person)
    organisation = colander.SchemaNode(colander.Mapping(), name="organisation", title=_("Your organisation"))
    for child in organisation_nodes(bank=False):
        organisation.add(child)
    schema.add(organisation)
    return schema


class ContactSchema(CSRFSchema):
    """A further contact of an organisation: the name is used only for a new account."""

    display_name = colander.SchemaNode(
        colander.String(), title=_("Name"), preparer=strip_whitespace,
        validator=colander.Length(min=2, max=200),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off"}))
    email = colander.SchemaNode(
        colander.String(), title=_("E-mail address"), preparer=strip_whitespace,
        validator=colander.All(colander.Email(msg=_("Please enter a valid e-mail address.")),
                               colander.Length(max=254)),
        widget=deform.widget.TextInputWidget(attributes={"type": "email", "autocomplete": "off",
                                                         "spellcheck": "false"}),
        description=_("If the person has no account yet, they get one and an e-mail with a link to "
                      "choose their password."))


# -- The application ----------------------------------------------------------------------------
@colander.deferred
def deferred_organisation_widget(node, kw):
    return deform.widget.SelectWidget(values=[(str(o.id), o.name) for o in kw["organisations"]])


@colander.deferred
def deferred_organisation_validator(node, kw):
    return colander.OneOf({o.id for o in kw["organisations"]})


@colander.deferred
def deferred_category_widget(node, kw):
    empty = kw["request"].localizer.translate(_("– choose –"))
    return deform.widget.SelectWidget(values=[("", empty)] + _translated(kw["request"], COST_CATEGORY_LABELS.items()))


def _section(name, title, description=None):
    return colander.SchemaNode(colander.Mapping(), name=name, title=title, description=description)


def _text(name, title, *, rows=None, max_length=None, description=None):
    widget = deform.widget.TextAreaWidget(rows=rows) if rows else None
    return colander.SchemaNode(colander.String(), name=name, title=title, missing="", preparer=strip_whitespace,
                               validator=colander.Length(max=max_length) if max_length else None,
                               widget=widget, description=description)


def _amount(name, title, description=None):
    return colander.SchemaNode(Money(), name=name, title=title, missing=Decimal(0),
                               widget=deform.widget.TextInputWidget(attributes=AMOUNT_ATTRIBUTES,
                                                                    input_append="€"),
                               description=description)


def cost_row(index: int) -> colander.SchemaNode:
    row = colander.SchemaNode(colander.Mapping(), name=f"line{index}",
                              title=_("Item ${number}", mapping={"number": index}),
                              validator=_cost_row_complete)
    row.add(colander.SchemaNode(colander.String(), name="category", title=_("Category"), missing="",
                                widget=deferred_category_widget,
                                validator=colander.OneOf(["", *(str(c) for c in COST_CATEGORY_LABELS)])))
    row.add(colander.SchemaNode(colander.String(), name="purpose", title=_("What for"), missing="",
                                preparer=strip_whitespace, validator=colander.Length(max=300)))
    row.add(colander.SchemaNode(Money(), name="amount", title=_("Amount"), missing=None,
                                widget=deform.widget.TextInputWidget(
                                    attributes={**AMOUNT_ATTRIBUTES, "data-cost-amount": "true"}, input_append="€")))
    return row


def _cost_row_complete(node, value):
    """A row is either empty or has an amount: a description without an amount would be lost."""
    if (value["category"] or value["purpose"]) and value["amount"] is None:
        error = colander.Invalid(node)
        error["amount"] = _("Please enter the amount of this item (or empty the row).")
        raise error


def _period_in_order(node, value):
    start, end = value.get("period_start"), value.get("period_end")
    if start and end and end < start:
        error = colander.Invalid(node)
        error["period_end"] = _("The project must end after it starts.")
        raise error


@colander.deferred
def deferred_hours_widget(node, kw):
    return deform.widget.TextInputWidget(attributes={
        "inputmode": "decimal", "autocomplete": "off", "data-hourly-rate": str(kw["hourly_rate"])})


@colander.deferred
def deferred_hours_description(node, kw):
    from sw_gremien.i18n import format_money

    return _("Each hour of volunteer work counts ${rate}.",
             mapping={"rate": format_money(kw["hourly_rate"], kw["request"].locale_name)})


def make_application_schema() -> colander.Schema:
    """Bind with ``organisations`` (those the user may apply for) and the fund's ``hourly_rate``."""
    node = CSRFSchema()
    node.add(colander.SchemaNode(colander.Integer(), name="version", widget=deform.widget.HiddenWidget(),
                                 missing=None))
    node.add(colander.SchemaNode(
        colander.Integer(), name="organisation_id", title=_("Applying organisation"),
        widget=deferred_organisation_widget, validator=deferred_organisation_validator,
    ))

    project = _section("project", _("Project"))
    project.add(colander.SchemaNode(
        colander.String(), name="title", title=_("Title of the project"), preparer=strip_whitespace,
        validator=colander.Length(min=3, max=300),
        description=_("A short name, e.g. “Sprachcafé im Stadtteiltreff”.")))
    project.add(_text("description", _("Description"), rows=6,
                      description=_("What will happen, where and how often?")))
    project.add(_text("goals", _("Goals"), rows=4, description=_("What should be different afterwards?")))
    project.add(_text("target_group", _("Target group"), rows=3,
                      description=_("Whom does the project reach (e.g. refugee families in shared housing)?")))
    project.add(colander.SchemaNode(
        colander.Set(), name="districts", title=_("Districts"), missing=set(),
        widget=deform.widget.CheckboxChoiceWidget(values=DISTRICT_CHOICES, inline=True),
        validator=colander.ContainsOnly([key for key, _name in DISTRICT_CHOICES]),
        description=_("Tick every district where the project takes place.")))
    node.add(project)

    period = _section("period", _("Period and participants"))
    period.validator = _period_in_order
    period.add(colander.SchemaNode(colander.Date(), name="period_start", title=_("Start"), missing=None,
                                   widget=deform.widget.DateInputWidget(),
                                   description=_("The project must not start before the decision, unless the office has agreed.")))
    period.add(colander.SchemaNode(colander.Date(), name="period_end", title=_("End"), missing=None,
                                   widget=deform.widget.DateInputWidget()))
    period.add(colander.SchemaNode(colander.Integer(), name="expected_participants",
                                   title=_("Expected participants"), missing=None,
                                   validator=colander.Range(0, 1000000),
                                   widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"})))
    period.add(_text("partners", _("Partners"), rows=3,
                     description=_("Who else takes part (associations, schools, the district office …)?")))
    node.add(period)

    costs = _section("costs", _("Cost plan"),
                     _("One row per item; empty rows are ignored. Amounts in euros, e.g. 1.250,00."))
    for index in range(1, COST_ROWS + 1):
        costs.add(cost_row(index))
    node.add(costs)

    financing = _section("financing", _("Financing plan"),
                         _("The financing must cover the costs exactly: total costs = own funds + "
                           "volunteer work + third-party funds + requested amount."))
    financing.add(_amount("own_funds", _("Own funds")))
    financing.add(colander.SchemaNode(
        Hours(), name="volunteer_hours", title=_("Volunteer hours"), missing=Decimal(0),
        widget=deferred_hours_widget, description=deferred_hours_description))
    financing.add(_amount("third_party_funds", _("Third-party funds"),
                          _("Donations, other funds, the district's budget …")))
    financing.add(_amount("requested_amount", _("Requested from the Integrations-Fonds")))
    node.add(financing)

    bank = _section("bank", _("Bank account"),
                    _("The grant is paid to this account. Only the office and your organisation see it."))
    bank.add(colander.SchemaNode(colander.String(), name="account_holder", title=_("Account holder"),
                                 missing="", preparer=strip_whitespace, validator=colander.Length(max=200)))
    bank.add(colander.SchemaNode(colander.String(), name="iban", title=_("IBAN"), missing="",
                                 preparer=iban_preparer, validator=validate_iban,
                                 widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off",
                                                                                  "spellcheck": "false"}),
                                 description=_("For example DE89 3704 0044 0532 0130 00; spaces do not matter.")))
    node.add(bank)

    declarations = _section("declarations", _("Declarations"))
    declarations.add(colander.SchemaNode(
        colander.Boolean(), name="no_early_start", title=_("Start of the project"), missing=False,
        label=_("The project will not start before the decision on this application, unless the office "
                "approves an early start.")))
    declarations.add(colander.SchemaNode(
        colander.Boolean(), name="early_start_requested", title=_("Early start"), missing=False,
        label=_("We ask for an early start: the project has to begin before the decision."),
        description=_("An approved early start does not promise a grant: if the application is not granted, "
                      "the costs stay with you.")))
    declarations.add(colander.SchemaNode(
        colander.String(), name="early_start_reason", title=_("Why the project has to start early"),
        missing="", preparer=strip_whitespace, validator=colander.Length(max=2000),
        widget=deform.widget.TextAreaWidget(rows=3)))
    declarations.add(colander.SchemaNode(
        colander.Boolean(), name="data_consent", title=_("Data protection"), missing=False,
        label=_("I agree that the city of Stuttgart processes the data of this application to decide on it "
                "and to pay and check the grant.")))
    node.add(declarations)
    return node


def organisations_for_form(request, application=None) -> list:
    """Whom the user may apply for: the office for any organisation, others for their own;
    an application's own organisation always stays in the list."""
    from sqlalchemy import select

    from sw_gremien.funding.models import Organisation
    from sw_gremien.security import Permissions

    dbsession = request.dbsession
    if request.can(Permissions.MANAGE_FUND, _root(request)):
        organisations = list(dbsession.scalars(select(Organisation).order_by(Organisation.name)))
    else:
        organisations = organisations_of(dbsession, request.user)
    if application is not None and application.organisation not in organisations:
        organisations.append(application.organisation)
    return organisations


def _root(request):
    from sw_gremien.security import Root

    return Root(request)


# -- A later deadline for the proof of use -------------------------------------------------------
@colander.deferred
def deferred_later_deadline(node, kw):
    """The new deadline lies after the current one and after today."""
    from sw_gremien.i18n import today

    current = kw["context"].application.proof_deadline

    def validate(node, value):
        if value <= today() or (current is not None and value <= current):
            raise colander.Invalid(node, _("The new deadline must lie after the current one and after today."))

    return validate


class DeadlineSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget())
    proof_deadline = colander.SchemaNode(colander.Date(), title=_("New deadline"),
                                         widget=deform.widget.DateInputWidget(), validator=deferred_later_deadline)
    reason = colander.SchemaNode(colander.String(), title=_("Reason"), preparer=strip_whitespace,
                                 validator=colander.Length(min=1, max=2000), widget=deform.widget.TextAreaWidget(rows=3),
                                 missing_msg=_("Please give a reason."),
                                 description=_("The initiative reads it in the mail about the new deadline."))
