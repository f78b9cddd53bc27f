"""The fund's money pages for the office (overview with chart and latest bookings, the yearly
budget form, the ledger as CSV), the public list of granted projects, and the download of a
person's own data.

Every page costs a fixed number of statements however many years, bookings or grants there
are: balances come from two grouped queries, lists from one query each with their joins.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from urllib.parse import quote

import colander
import deform
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Membership
from sw_gremien.db import MAX_ID
from sw_gremien.districts import DISTRICTS
from sw_gremien.forms import CSRFSchema, FormView, strip_whitespace
from sw_gremien.funding.models import (
    GRANTED_STATES,
    LEDGER_KIND_LABELS,
    Fund,
    FundApplication,
    FundYear,
    LedgerEntry,
    LedgerKind,
    Organisation,
    OrganisationContact,
)
from sw_gremien.funding.reminders import overdue_proofs
from sw_gremien.funding.services import (
    ZERO,
    balances,
    lock_fund_year,
    the_fund,
    total_balance,
    year_balance,
)
from sw_gremien.i18n import _, format_money, to_local, today, translate
from sw_gremien.security import Permissions
from sw_gremien.text import Money

LATEST_ENTRIES = 50


# -- The chart -----------------------------------------------------------------------------------
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 56
CHART_BAR_HEIGHT = 22
CHART_ROW_HEIGHT = 34
CHART_TOP = 8
# Colours with at least 3:1 against white and against each other's neighbours (WCAG 1.4.11);
# the free part is white with the dark outline, so no meaning rests on the colours alone.
CHART_COLOURS = {"paid": "#073763", "unpaid": "#5b8fc7", "free": "#ffffff"}
CHART_OUTLINE = "#073763"


def chart_rows(per_year) -> dict:
    """Geometry of the horizontal stacked bars, one per year: paid out, committed but not paid
    out yet, free; their sum is the year's budget. Scaled to the largest budget."""
    bar_space = CHART_WIDTH - CHART_LABEL_WIDTH - 8
    largest = max((b.budget for b in per_year), default=ZERO)
    rows = []
    for index, balance in enumerate(per_year):
        paid = max(ZERO, min(balance.paid, balance.committed))
        unpaid = max(ZERO, balance.committed - paid)
        free = max(ZERO, balance.free)
        y = CHART_TOP + index * CHART_ROW_HEIGHT
        x = CHART_LABEL_WIDTH
        segments = []
        for key, amount in (("paid", paid), ("unpaid", unpaid), ("free", free)):
            width = float(amount / largest * bar_space) if largest > 0 else 0.0
            if width > 0:
                segments.append({"key": key, "x": round(x, 2), "width": round(width, 2), "amount": amount,
                                 "fill": CHART_COLOURS[key]})
                x += width
        rows.append({"year": balance.year, "y": y, "text_y": y + CHART_BAR_HEIGHT / 2 + 5,
                     "segments": segments, "balance": balance})
    height = CHART_TOP * 2 + max(1, len(per_year)) * CHART_ROW_HEIGHT
    return {"rows": rows, "width": CHART_WIDTH, "height": height, "bar_height": CHART_BAR_HEIGHT,
            "label_width": CHART_LABEL_WIDTH, "colours": CHART_COLOURS, "outline": CHART_OUTLINE}


CHART_LEGEND = {
    "paid": _("Paid out"),
    "unpaid": _("Committed, not yet paid out"),
    "free": _("Free"),
}


# -- The fund overview ---------------------------------------------------------------------------
def latest_entries(dbsession, fund: Fund, limit: int = LATEST_ENTRIES) -> list:
    """The newest bookings with their year, application reference and who booked them, in one
    statement."""
    return dbsession.execute(
        select(LedgerEntry, FundYear.year, FundApplication.reference, User.display_name)
        .join(FundYear, LedgerEntry.fund_year_id == FundYear.id)
        .outerjoin(FundApplication, LedgerEntry.application_id == FundApplication.id)
        .outerjoin(User, LedgerEntry.booked_by_id == User.id)
        .where(FundYear.fund_id == fund.id)
        .order_by(LedgerEntry.booked_at.desc(), LedgerEntry.id.desc())
        .limit(limit)
    ).all()


@colander.deferred
def deferred_unique_fund_name(node, kw):
    dbsession = kw["request"].dbsession
    length = colander.Length(min=3, max=200)

    def validate(node, value):
        length(node, value)
        if dbsession.scalar(select(Fund.id).where(Fund.name == value)) is not None:
            raise colander.Invalid(node, _("Another fund already has this name."))

    return validate


class FundSchema(CSRFSchema):
    name = colander.SchemaNode(colander.String(), title=_("Name of the fund"), preparer=strip_whitespace,
                               default="Integrations-Fonds", validator=deferred_unique_fund_name)
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      preparer=strip_whitespace, widget=deform.widget.TextAreaWidget(rows=3))
    hourly_rate = colander.SchemaNode(
        Money(), title=_("Hourly rate for volunteer work (EUR)"), default=Decimal("15.00"),
        description=_("Volunteer hours count in the financing plan at this rate."))
    small_grant_limit = colander.SchemaNode(
        Money(), title=_("Limit for small grants (EUR)"), default=Decimal("500.00"),
        description=_("Up to this amount the office grants directly, without a committee."))


@view_config(route_name="fund_overview", renderer="funding/fund_overview.jinja2", permission=Permissions.MANAGE_FUND)
class FundOverviewView(FormView):
    """The overview; before there is a fund, the form that creates it."""

    schema = FundSchema
    form_id = "fund"
    buttons = (deform.Button("create", _("Create fund")),)

    def __call__(self):
        fund = the_fund(self.request.dbsession)
        if fund is not None:
            return self.overview(fund)
        return super().__call__()

    def page_values(self):
        return {"fund": None}

    def create_success(self, appstruct):
        fund = Fund(name=appstruct["name"], description=appstruct["description"],
                    hourly_rate=appstruct["hourly_rate"], small_grant_limit=appstruct["small_grant_limit"])
        self.request.dbsession.add(fund)
        self.request.dbsession.flush()
        self.flash(_("The fund has been created. Now add the budget of a year."))
        return self.redirect("fund_year_add")

    def overview(self, fund: Fund) -> dict:
        per_year = balances(self.request.dbsession, fund)
        return {
            "fund": fund,
            "form": None,
            "balances": per_year,
            "total": total_balance(per_year),
            "chart": chart_rows(per_year),
            "legend": CHART_LEGEND,
            "entries": latest_entries(self.request.dbsession, fund),
            "latest_limit": LATEST_ENTRIES,
            "overdue": overdue_proofs(self.request.dbsession),
        }


# -- A year's budget ----------------------------------------------------------------------------
@colander.deferred
def deferred_budget_check(node, kw):
    """A budget may not fall below what the year has committed. Takes the year's row lock, so
    no grant slips in between this check and the commit."""
    request = kw["request"]
    fund = kw["fund"]

    def validate(form, value):
        if fund is None:
            return
        fund_year = request.dbsession.scalar(
            select(FundYear).where(FundYear.fund_id == fund.id, FundYear.year == value["year"]))
        if fund_year is None:
            return
        lock_fund_year(request.dbsession, fund_year)
        committed = year_balance(request.dbsession, fund_year).committed
        if value["budget"] < committed:
            error = colander.Invalid(form)
            error["budget"] = _("The budget cannot be lower than the ${committed} already committed in ${year}.",
                                mapping={"committed": format_money(committed, request.locale_name),
                                         "year": value["year"]})
            raise error

    return validate


class FundYearSchema(CSRFSchema):
    year = colander.SchemaNode(colander.Integer(), title=_("Year"), validator=colander.Range(2000, 2100))
    budget = colander.SchemaNode(Money(), title=_("Budget (EUR)"),
                                 description=_("In euros, e.g. 102.500,00. An existing year's budget is replaced."))


@view_config(route_name="fund_year_add", renderer="funding/fund_year_form.jinja2", permission=Permissions.MANAGE_FUND)
class FundYearView(FormView):
    form_id = "fund-year"

    def schema(self):
        return FundYearSchema(validator=deferred_budget_check)

    def __call__(self):
        self.fund = the_fund(self.request.dbsession)
        if self.fund is None:
            return {"fund": None, "form": None}
        return super().__call__()

    def schema_bindings(self):
        return {"fund": self.fund}

    def _year_param(self) -> int | None:
        value = self.request.params.get("jahr", "")
        if value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100:
            return int(value)
        return None

    def appstruct(self):
        year = self._year_param()
        if year is None:
            return {"year": today().year}
        fund_year = self.request.dbsession.scalar(
            select(FundYear).where(FundYear.fund_id == self.fund.id, FundYear.year == year))
        return {"year": year, "budget": fund_year.budget if fund_year is not None else colander.null}

    def page_values(self):
        return {"fund": self.fund}

    def save_success(self, appstruct):
        dbsession = self.request.dbsession
        fund_year = dbsession.scalar(
            select(FundYear).where(FundYear.fund_id == self.fund.id, FundYear.year == appstruct["year"]))
        if fund_year is None:
            dbsession.add(FundYear(fund_id=self.fund.id, year=appstruct["year"], budget=appstruct["budget"]))
        else:
            fund_year.budget = appstruct["budget"]
        dbsession.flush()
        self.flash(_("The budget for ${year} has been saved."), mapping={"year": appstruct["year"]})
        return self.redirect("fund_overview")


# -- The ledger as CSV ----------------------------------------------------------------------------
def _csv_text(value: str) -> str:
    """A cell as Excel should take it: text that starts like a formula is quoted with an
    apostrophe (CSV injection)."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


@view_config(route_name="fund_ledger_csv", permission=Permissions.MANAGE_FUND)
def fund_ledger_csv(request):
    """Every booking, oldest first: semicolons, decimal commas and a byte order mark, so that
    Excel in a German setting opens it as it is."""
    fund = the_fund(request.dbsession)
    rows = [] if fund is None else request.dbsession.execute(
        select(LedgerEntry, FundYear.year, FundApplication.reference, Organisation.name)
        .join(FundYear, LedgerEntry.fund_year_id == FundYear.id)
        .outerjoin(FundApplication, LedgerEntry.application_id == FundApplication.id)
        .outerjoin(Organisation, FundApplication.organisation_id == Organisation.id)
        .where(FundYear.fund_id == fund.id)
        .order_by(LedgerEntry.booked_at, LedgerEntry.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([translate(request, label) for label in (
        _("Date"), _("Year"), _("Kind"), _("Application"), _("Organisation"), _("Amount (EUR)"), _("Note"))])
    for entry, year, reference, organisation in rows:
        writer.writerow([
            to_local(entry.booked_at).strftime("%d.%m.%Y %H:%M"),
            year,
            translate(request, LEDGER_KIND_LABELS[LedgerKind(entry.kind)]),
            reference or "",
            _csv_text(organisation or ""),
            _decimal_comma(entry.amount),
            _csv_text(entry.note),
        ])
    response = Response(body=("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8")
    filename = f"fonds-buchungen-{today().isoformat()}.csv"
    response.content_disposition = f"attachment; filename=\"{filename}\""
    response.cache_control = "no-store"
    return response


# -- Granted projects, for everyone ---------------------------------------------------------------
def _public_condition():
    """Granted projects as the public sees them: decided for the fund, whatever came afterwards."""
    return (FundApplication.state.in_(GRANTED_STATES), FundApplication.granted_amount.is_not(None),
            FundApplication.fund_year_id.is_not(None))


def district_names(keys) -> str | None:
    """The districts' names, or None when the project concerns all of them."""
    keys = [k for k in (keys or []) if k in DISTRICTS]
    if len(set(keys)) == len(DISTRICTS):
        return None
    return ", ".join(sorted(DISTRICTS[k] for k in keys))


@view_config(route_name="transparency", renderer="funding/transparency.jinja2", permission=Permissions.PUBLIC)
def transparency(request):
    """Organisation, project, districts and amount: nothing personal is even selected."""
    dbsession = request.dbsession
    years = list(dbsession.scalars(
        select(FundYear.year).join(FundApplication, FundApplication.fund_year_id == FundYear.id)
        .where(*_public_condition()).distinct().order_by(FundYear.year.desc())
    ))
    value = request.params.get("jahr", "")
    year = int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_ID else None
    if year not in years:
        year = years[0] if years else None
    rows = []
    if year is not None:
        rows = dbsession.execute(
            select(FundApplication.reference, Organisation.name, FundApplication.title, FundApplication.districts,
                   FundApplication.granted_amount)
            .join(Organisation, FundApplication.organisation_id == Organisation.id)
            .join(FundYear, FundApplication.fund_year_id == FundYear.id)
            .where(*_public_condition(), FundYear.year == year)
            .order_by(Organisation.name, FundApplication.title, FundApplication.id)
        ).all()
    projects = [{"organisation": name, "title": title, "districts": district_names(districts),
                 "amount": amount} for _reference, name, title, districts, amount in rows]
    return {
        "years": years,
        "year": year,
        "projects": projects,
        "total": sum((p["amount"] for p in projects), ZERO),
    }


# -- A person's own data ------------------------------------------------------------------------------
def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return to_local(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _columns(obj, skip=()) -> dict:
    return {column.key: _plain(getattr(obj, column.key))
            for column in obj.__mapper__.column_attrs if column.key not in skip}


def personal_data(dbsession, user: User) -> dict:
    """What the system holds about the person: the account (without password hash or tokens),
    memberships, the organisations they are a contact of (with their bank account: it is
    theirs) and the applications they wrote or their organisations made, with every field."""
    memberships = dbsession.scalars(
        select(Membership).where(Membership.user_id == user.id)
        .options(selectinload(Membership.body)).order_by(Membership.start_date, Membership.id)
    ).all()
    organisations = dbsession.scalars(
        select(Organisation).join(OrganisationContact, OrganisationContact.organisation_id == Organisation.id)
        .where(OrganisationContact.user_id == user.id).order_by(Organisation.name, Organisation.id)
    ).all()
    organisation_ids = [o.id for o in organisations]
    applications = dbsession.scalars(
        select(FundApplication)
        .where((FundApplication.created_by_id == user.id) | FundApplication.organisation_id.in_(organisation_ids))
        .options(selectinload(FundApplication.cost_lines), selectinload(FundApplication.fund),
                 selectinload(FundApplication.organisation))
        .order_by(FundApplication.created_at, FundApplication.id)
    ).all()
    return {
        "exported_at": _plain(dt.datetime.now(dt.UTC)),
        "account": {
            "name": user.display_name,
            "email": user.email,
            "language": user.locale,
            "created_at": _plain(user.created_at),
            "last_login_at": _plain(user.last_login_at),
            "office": user.is_admin,
            "active": user.active,
        },
        "memberships": [
            {"body": m.body.name, "body_short_name": m.body.short_name, "role": m.role, "voting": m.voting,
             "start_date": _plain(m.start_date), "end_date": _plain(m.end_date), "note": m.note}
            for m in memberships
        ],
        "organisations": [_columns(o) for o in organisations],
        "applications": [
            {**_columns(a, skip=("version",)), "fund": a.fund.name, "organisation": a.organisation.name,
             "cost_lines": [_columns(line, skip=("application_id",)) for line in a.cost_lines]}
            for a in applications
        ],
    }


@view_config(route_name="my_data", permission=Permissions.AUTHENTICATED)
def my_data(request):
    data = personal_data(request.dbsession, request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    response = Response(body=body.encode("utf-8"), content_type="application/json", charset="utf-8")
    filename = f"meine-daten-{today().isoformat()}.json"
    response.content_disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.cache_control = "no-store"
    return response


