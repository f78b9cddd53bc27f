"""The applicants' side of the Integrations-Fonds: self-registration of an initiative, the list
of applications ("Meine Anträge", for the office all of them), the application form in
sections, the application page with its workflow, the application as PDF, and the
organisation's master data."""

from __future__ import annotations

import datetime as dt

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts import services as accounts
from sw_gremien.accounts.models import AccountEvent, TokenPurpose
from sw_gremien.db import utcnow
from sw_gremien.districts import DISTRICTS
from sw_gremien.documents.services import attachments_of
from sw_gremien.forms import FormView, form_counter
from sw_gremien.funding import services
from sw_gremien.funding.forms import (
    COST_ROWS,
    ContactSchema,
    make_application_schema,
    make_organisation_schema,
    make_registration_schema,
    organisations_for_form,
)
from sw_gremien.funding.models import (
    PROOF_STATES,
    CostLine,
    FundApplication,
    Organisation,
    OrganisationContact,
)
from sw_gremien.funding.proof_views import OWNER_TYPE
from sw_gremien.i18n import _, format_money
from sw_gremien.mail import public_url, send_mail
from sw_gremien.security import Permissions, Root
from sw_gremien.text import render_markdown
from sw_gremien.workflow.panel import workflow_panel

# Self-registration: at most this many per client address and hour, counted from the account
# events that every registration (new or for an existing address) leaves with the address.
REGISTRATIONS_PER_HOUR = 5
REGISTRATION_TAGS = ("self_registered", "registration_repeated")
# The transitions whose comments are the questions and answers of a review.
QUESTION_TRIGGERS = ("request_info", "resubmit")


def _is_office(request) -> bool:
    return request.can(Permissions.MANAGE_FUND, Root(request))


# -- Self-registration -------------------------------------------------------------------------
def registrations_from(dbsession, ip_address: str) -> int:
    since = utcnow() - dt.timedelta(hours=1)
    return dbsession.scalar(select(func.count(AccountEvent.id)).where(
        AccountEvent.tag.in_(REGISTRATION_TAGS), AccountEvent.ip_address == ip_address,
        AccountEvent.created_at > since))


def _organisation_from(values: dict, **extra) -> Organisation:
    return Organisation(name=values["name"], kind=values["kind"], district=values["district"],
                        street=values["street"], postcode=values["postcode"], city=values["city"] or "Stuttgart",
                        phone=values["phone"], **extra)


@view_config(route_name="funding_register", renderer="funding/register.jinja2", permission=Permissions.PUBLIC)
class RegisterView(FormView):
    form_id = "register"
    buttons = (deform.Button("register", _("Register")),)

    def schema(self):
        return make_registration_schema()

    def appstruct(self):
        return {"organisation": {"city": "Stuttgart"}}

    def register_success(self, appstruct):
        request = self.request
        dbsession = request.dbsession
        values = appstruct["organisation"]
        if request.user is not None:
            # A further organisation of someone who has an account already.
            organisation = _organisation_from(values, email=request.user.email)
            organisation.contacts = [request.user]
            dbsession.add(organisation)
            dbsession.flush()
            self.flash(_("${name} has been registered. You can now apply for it.", mapping={"name": organisation.name}))
            return self.redirect("organisation", organisation_id=organisation.id)

        ip_address = request.remote_addr or "unknown"
        if registrations_from(dbsession, ip_address) >= REGISTRATIONS_PER_HOUR:
            return self.refuse(_("Too many registrations from your network in the last hour. Please try again later."),
                               appstruct, status=429)
        person = appstruct["person"]
        existing = accounts.find_user_by_email(dbsession, person["email"])
        if existing is not None:
            # Same page as for a new address: nobody learns who has an account. The owner
            # of the address hears of it and knows how to get in.
            accounts.record_event(dbsession, existing, "registration_repeated", ip_address=ip_address)
            send_mail(request, [existing.email], _("Registration for the Integrations-Fonds"),
                      "funding/mail_register_existing.txt.jinja2",
                      {"user": existing, "organisation_name": values["name"],
                       "login_link": public_url(request, "login"),
                       "reset_link": public_url(request, "password_forgotten")},
                      locale=existing.locale)
        else:
            user = accounts.create_user(dbsession, email=person["email"], display_name=person["display_name"],
                                        locale=request.locale_name)
            accounts.record_event(dbsession, user, "self_registered", actor=user, ip_address=ip_address)
            organisation = _organisation_from(values, email=user.email)
            organisation.contacts = [user]
            dbsession.add(organisation)
            token = accounts.issue_token(dbsession, user, TokenPurpose.INVITATION)
            send_mail(request, [user.email], _("Please confirm your registration for the Integrations-Fonds"),
                      "funding/mail_register.txt.jinja2",
                      {"user": user, "organisation_name": organisation.name,
                       "link": public_url(request, "funding_register_confirm", token=token)},
                      locale=user.locale)
        return render_to_response("funding/register_sent.jinja2", {"email": person["email"]}, request=request)


@view_config(route_name="funding_register_confirm", permission=Permissions.PUBLIC)
def register_confirm(request):
    """The link in the confirmation mail. Choosing the password confirms the address, so this
    hands over to the password page with the same single-use token."""
    return HTTPFound(request.route_path("password_set", token=request.matchdict["token"]))


# -- The list ------------------------------------------------------------------------------------
@view_config(route_name="applications", renderer="funding/applications.jinja2", permission=Permissions.AUTHENTICATED)
def application_list(request):
    dbsession = request.dbsession
    workflow = request.workflows["fund_application"]
    office = _is_office(request)
    organisations = services.organisations_of(dbsession, request.user)
    conditions = []
    state = request.params.get("stand", "").strip()
    if office:
        if state in workflow.states:
            conditions.append(FundApplication.state == state)
    else:
        conditions.append(or_(
            FundApplication.organisation_id.in_(
                select(OrganisationContact.organisation_id).where(OrganisationContact.user_id == request.user.id)),
            FundApplication.created_by_id == request.user.id,
        ))
    applications = dbsession.scalars(
        select(FundApplication).where(*conditions)
        .options(selectinload(FundApplication.organisation))
        .order_by(FundApplication.updated_at.desc(), FundApplication.id.desc())
    ).all()
    return {
        "applications": applications,
        "organisations": organisations,
        "office": office,
        "states": workflow.states,
        "state": state if state in workflow.states else "",
        "can_apply": office or bool(organisations),
    }


# -- The form ------------------------------------------------------------------------------------
def _section_values(application: FundApplication) -> dict:
    values = {
        "version": application.version,
        "organisation_id": application.organisation_id,
        "project": {"title": application.title, "description": application.description,
                    "goals": application.goals, "target_group": application.target_group,
                    "districts": set(application.districts or [])},
        "period": {"period_start": application.period_start, "period_end": application.period_end,
                   "expected_participants": application.expected_participants,
                   "partners": application.partners},
        "costs": {},
        "financing": {"own_funds": application.own_funds, "volunteer_hours": application.volunteer_hours,
                      "third_party_funds": application.third_party_funds,
                      "requested_amount": application.requested_amount},
        "bank": {"account_holder": application.account_holder, "iban": application.iban},
        "declarations": {"no_early_start": application.no_early_start,
                         "early_start_requested": application.early_start_requested,
                         "early_start_reason": application.early_start_reason,
                         "data_consent": application.data_consent},
    }
    for index, line in enumerate(application.cost_lines[:COST_ROWS], start=1):
        values["costs"][f"line{index}"] = {"category": line.category, "purpose": line.description,
                                           "amount": line.amount}
    return values


def _apply(application: FundApplication, appstruct: dict) -> None:
    project, period = appstruct["project"], appstruct["period"]
    application.organisation_id = appstruct["organisation_id"]
    for name in ("title", "description", "goals", "target_group"):
        setattr(application, name, project[name])
    application.districts = sorted(project["districts"])
    for name in ("period_start", "period_end", "expected_participants", "partners"):
        setattr(application, name, period[name])
    for name, value in appstruct["financing"].items():
        setattr(application, name, value)
    application.account_holder = appstruct["bank"]["account_holder"]
    application.iban = appstruct["bank"]["iban"]
    declarations = appstruct["declarations"]
    for name in ("no_early_start", "data_consent"):
        setattr(application, name, declarations[name])
    # Once approved, the request and its reason are part of the record.
    if not application.early_start_approved:
        application.early_start_requested = declarations["early_start_requested"]
        application.early_start_reason = declarations["early_start_reason"]
    rows = [appstruct["costs"][f"line{i}"] for i in range(1, COST_ROWS + 1)]
    application.cost_lines = [
        CostLine(position=position, category=row["category"] or "other", description=row["purpose"],
                 amount=row["amount"])
        for position, row in enumerate((r for r in rows if r["amount"] is not None), start=1)
    ]
    # Touch the row even when only cost lines changed: the version moves on, so a form
    # opened before this save is recognised as stale.
    application.updated_at = utcnow()


# Where the form shows each of the submission's problems (services.submission_problems):
# by message id, so the rule stays in one place and only its place on the form is here.
PROBLEM_FIELDS = {
    "The title of the project is missing.": ("project", "title"),
    "The description of the project is missing.": ("project", "description"),
    "Choose at least one district (or all of them).": ("project", "districts"),
    "The period of the project is missing.": ("period", "period_start"),
    "The project must end after it starts.": ("period", "period_end"),
    "The cost plan needs at least one line.": ("costs",),
    "Say how much you request from the fund.": ("financing", "requested_amount"),
    "The account holder is missing.": ("bank", "account_holder"),
    "The IBAN is missing or wrong.": ("bank", "iban"),
    "Please confirm that the project does not start before the decision.": ("declarations", "no_early_start"),
    "Please agree to the processing of your data.": ("declarations", "data_consent"),
    "Please say why the project has to start before the decision.": ("declarations", "early_start_reason"),
}


def balance_message(application: FundApplication, locale: str):
    """"ausgeglichen", or what is missing or too much, in words (not only in colour)."""
    difference = application.total_financing - application.total_cost
    if difference == 0:
        return _("balanced")
    return _("Difference: ${amount}", mapping={"amount": format_money(abs(difference), locale)})


def open_points(application: FundApplication) -> list:
    """What stands between the application and its submission; None stands for the balance
    of the plans, shown at the financing plan."""
    problems = list(services.submission_problems(application))
    if not application.financing_balanced():
        problems.append(None)
    return problems


class _ApplicationFormView(FormView):
    form_id = "application"
    buttons = (deform.Button("save", _("Save draft")),
               deform.Button("check", _("Save and check")))

    def schema(self):
        return make_application_schema()

    def schema_bindings(self):
        return {"organisations": self.organisations, "hourly_rate": self.fund.hourly_rate}

    def page_values(self):
        return {"application": self.application, "fund": self.fund, "totals": self._totals()}

    def _totals(self):
        application = self.application
        if application is None:
            return None
        return {"cost": application.total_cost, "financing": application.total_financing,
                "difference": application.total_financing - application.total_cost}

    def check_success(self, appstruct):
        return self.save_success(appstruct, check=True)

    def _saved(self, application: FundApplication, check: bool):
        if not check:
            self.flash(_("The application has been saved."))
            return self.redirect("application", application_id=application.id)
        self.application = application
        problems = open_points(application)
        if not problems:
            self.flash(_("The application has been saved and is complete: you can submit it now."))
            return self.redirect("application", application_id=application.id)
        return self._show_problems(application, problems)

    def _show_problems(self, application, problems):
        """The saved application in the form again, each open point at its field."""
        translate = self.request.localizer.translate
        form = self.make_form()
        loose = []
        for problem in problems:
            if problem is None:
                target = form["financing"]
                message = _("Cost plan and financing plan do not balance: costs ${cost}, financing ${financing}. ${difference}",
                            mapping={"cost": format_money(application.total_cost, self.request.locale_name),
                                     "financing": format_money(application.total_financing, self.request.locale_name),
                                     "difference": translate(balance_message(application, self.request.locale_name))})
            else:
                path = PROBLEM_FIELDS.get(str(problem))
                if path is None:
                    loose.append(translate(problem))
                    continue
                target = form
                for name in path:
                    target = target[name]
                message = problem
            target.error = colander.Invalid(target.schema, translate(message))
        summary = _("The application has been saved. Before it can be submitted: see the notes at the fields.")
        form.error = colander.Invalid(form.schema, " ".join([translate(summary), *loose]))
        # Saved: the notes are advice for the next step, not a refused form.
        return self.render(form.render(_section_values(application)))


@view_config(route_name="application_add", renderer="funding/application_form.jinja2",
             permission=Permissions.AUTHENTICATED)
class ApplicationAddView(_ApplicationFormView):
    application = None

    def __call__(self):
        self.fund = services.the_fund(self.request.dbsession)
        if self.fund is None:
            raise HTTPNotFound()
        self.organisations = organisations_for_form(self.request)
        if not self.organisations:
            raise HTTPForbidden()
        return super().__call__()

    def appstruct(self):
        wanted = self.request.params.get("organisation", "")
        organisation = next((o for o in self.organisations if str(o.id) == wanted), self.organisations[0])
        return {"organisation_id": organisation.id,
                "bank": {"account_holder": organisation.account_holder or organisation.name,
                         "iban": organisation.iban}}

    def save_success(self, appstruct, check=False):
        application = FundApplication(state="draft", fund=self.fund, fund_id=self.fund.id,
                                      created_by_id=self.request.user.id, title="")
        _apply(application, appstruct)
        application.organisation = self.request.dbsession.get(Organisation, appstruct["organisation_id"])
        self.request.dbsession.add(application)
        self.request.dbsession.flush()
        if check and open_points(application):
            # The check shows the open points on the application's own form: a second "save
            # and check" must change this application, not add another one.
            return HTTPFound(self.request.route_path("application_edit", application_id=application.id,
                                                     _query={"pruefen": "1"}))
        return self._saved(application, check)


@view_config(route_name="application_edit", renderer="funding/application_form.jinja2",
             permission=Permissions.EDIT_OBJECT)
class ApplicationEditView(_ApplicationFormView):
    def __call__(self):
        self.application = self.context.application
        self.fund = self.application.fund
        self.organisations = organisations_for_form(self.request, self.application)
        if self.request.method == "GET" and self.request.GET.get("pruefen") == "1":
            return self._saved(self.application, check=True)
        return super().__call__()

    def appstruct(self):
        return _section_values(self.application)

    def save_success(self, appstruct, check=False):
        application = self.application
        if appstruct["version"] != application.version:
            return self._conflict(appstruct)
        _apply(application, appstruct)
        application.organisation = self.request.dbsession.get(Organisation, appstruct["organisation_id"])
        self.request.dbsession.flush()
        return self._saved(application, check)

    def _conflict(self, appstruct):
        """Someone changed the application since this form was opened: the form again with
        everything typed, instead of overwriting the other change."""
        values = self.refuse(
            _("Someone else has changed this application since you opened the form. Your entries are "
              "still here: compare them with the current version (opens in a new tab), then save again."),
            dict(appstruct, version=self.application.version),
            status=409,
        )
        values["conflict"] = True
        return values


# -- The application page ------------------------------------------------------------------------
def page_values(request, application: FundApplication) -> dict:
    panel = workflow_panel(application, request)
    return {
        "application": application,
        "panel": panel,
        "questions": [e for e in panel.events if e.transition in QUESTION_TRIGGERS],
        "balance": balance_message(application, request.locale_name),
        "balanced": application.financing_balanced(),
        "difference": application.total_financing - application.total_cost,
        "district_names": [DISTRICTS.get(d, d) for d in application.districts or []],
        "can_edit": request.can(Permissions.EDIT_OBJECT),
        "personal": request.can(Permissions.VIEW_PERSONAL_DATA),
        "format_iban": services.format_iban,
        "markdown": render_markdown,
        "proof_overdue": services.proof_overdue(application),
        "open_claim": (services.open_claim(request.dbsession, application)
                       if application.state == "repayment_claimed" else None),
        "granted": application.has_grant,
        "proof_shown": application.state in PROOF_STATES,
        "receipts": (attachments_of(request.dbsession, OWNER_TYPE, application.id)
                     if application.state in PROOF_STATES else []),
    }


@view_config(route_name="application", renderer="funding/application_show.jinja2", permission=Permissions.VIEW_OBJECT)
def application_show(context, request):
    return page_values(request, context.application)


@view_config(route_name="application_pdf", permission=Permissions.VIEW_PERSONAL_DATA)
def application_pdf_view(context, request):
    from sw_gremien.funding.documents import application_pdf, pdf_filename

    application = context.application
    response = Response(body=application_pdf(request, application, request.locale_name),
                        content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(application)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# -- The organisation ------------------------------------------------------------------------------
_ORGANISATION_FIELDS = ("name", "kind", "district", "street", "postcode", "city", "phone", "email",
                        "account_holder", "iban")


@view_config(route_name="organisation", renderer="funding/organisation.jinja2", permission=Permissions.EDIT_OBJECT)
class OrganisationView(FormView):
    """Its contacts and the office see and keep the master data; each new application starts
    from it."""

    form_id = "organisation"

    def schema(self):
        return make_organisation_schema()

    def appstruct(self):
        organisation = self.context.organisation
        return {name: getattr(organisation, name) for name in _ORGANISATION_FIELDS}

    def page_values(self):
        organisation = self.context.organisation
        applications = self.request.dbsession.scalars(
            select(FundApplication).where(FundApplication.organisation_id == organisation.id)
            .order_by(FundApplication.updated_at.desc(), FundApplication.id.desc())
        ).all()
        return {"organisation": organisation, "applications": applications,
                "states": self.request.workflows["fund_application"].states,
                "format_iban": services.format_iban,
                "contact_form": self.contact_form_html or self.contact_form().render(),
                "max_contacts": services.MAX_CONTACTS, "is_contact": self.request.user in organisation.contacts}

    # The form to add a contact posts to its own route (OrganisationContactAddView), which
    # shows this page again when the form is refused.
    contact_form_html = None

    def contact_form(self) -> deform.Form:
        request = self.request
        button = deform.Button("add_contact", request.localizer.translate(_("Add contact")))
        return deform.Form(ContactSchema().bind(request=request), buttons=[button], formid="contact",
                           focus="off", counter=form_counter(request),
                           action=request.route_path("organisation_contacts",
                                                     organisation_id=self.context.organisation.id))

    def save_success(self, appstruct):
        organisation = self.context.organisation
        for name in _ORGANISATION_FIELDS:
            setattr(organisation, name, appstruct[name])
        organisation.city = organisation.city or "Stuttgart"
        self.flash(_("The details of ${name} have been saved.", mapping={"name": organisation.name}))
        return self.redirect("organisation", organisation_id=organisation.id)


@view_config(route_name="organisation_contacts", request_method="POST", renderer="funding/organisation.jinja2",
             permission=Permissions.EDIT_OBJECT)
class OrganisationContactAddView(OrganisationView):
    """Adds a contact (funding.services.add_contact); a refused form comes back on the
    organisation's page with the message at its field and everything typed."""

    def __call__(self):
        request = self.request
        organisation = self.context.organisation
        form = self.contact_form()
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as exc:
            return self._page_with_contact_form(exc.render(), 422)
        try:
            services.add_contact(request, organisation, email=appstruct["email"],
                                        display_name=appstruct["display_name"])
        except services.ContactRefused as refusal:
            message = request.localizer.translate(refusal.message)
            target = form[refusal.field] if refusal.field else form
            target.error = colander.Invalid(target.schema, message)
            if refusal.field:
                form.error = colander.Invalid(form.schema, "")
            return self._page_with_contact_form(form.render(appstruct), refusal.status)
        # The same words whether the address had an account or not: the name typed, never the
        # account's own, so the form cannot be used to look up people.
        self.flash(_("${name} is now a contact of ${organisation} and has been informed by e-mail.",
                     mapping={"name": appstruct["display_name"], "organisation": organisation.name}))
        return HTTPFound(request.route_path("organisation", organisation_id=organisation.id, _anchor="contacts"))

    def _page_with_contact_form(self, contact_form_html: str, status: int):
        self.request.response.status = status
        self.contact_form_html = contact_form_html
        return self.render(self.make_form().render(self.appstruct()))


@view_config(route_name="organisation_contact_remove", request_method="POST", permission=Permissions.EDIT_OBJECT)
def organisation_contact_remove(context, request):
    organisation = context.organisation
    user = next((u for u in organisation.contacts if str(u.id) == request.matchdict["user_id"]), None)
    if user is None:
        raise HTTPNotFound()
    translate = request.localizer.translate
    try:
        services.remove_contact(request, organisation, user)
    except services.ContactRefused as refusal:
        request.session.flash(translate(refusal.message), "error")
        return HTTPFound(request.route_path("organisation", organisation_id=organisation.id, _anchor="contacts"))
    if not request.can(Permissions.EDIT_OBJECT, context):
        # Removed oneself: the organisation's page is closed now.
        request.session.flash(translate(_("You are no longer a contact of ${organisation}.",
                                          mapping={"organisation": organisation.name})), "success")
        return HTTPFound(request.route_path("applications"))
    request.session.flash(translate(_("${name} is no longer a contact of ${organisation}.",
                                      mapping={"name": user.display_name, "organisation": organisation.name})),
                          "success")
    return HTTPFound(request.route_path("organisation", organisation_id=organisation.id, _anchor="contacts"))
