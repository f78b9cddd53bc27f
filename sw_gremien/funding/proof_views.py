"""After the grant: the grant notice (Bewilligungsbescheid) as PDF, and the proof of use
(Verwendungsnachweis) — report, actual cost per plan line, receipts — from which the
repayment is computed."""

from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from sw_gremien.db import utcnow
from sw_gremien.documents.services import (
    UploadRefused,
    attachments_of,
    download_response,
    owned_attachment,
    store_upload,
    upload_limit,
)
from sw_gremien.forms import FormView, check_posted_version
from sw_gremien.funding import services
from sw_gremien.funding.documents import notice_filename, notice_pdf
from sw_gremien.funding.forms import DeadlineSchema
from sw_gremien.funding.models import PROOF_OWED_STATE
from sw_gremien.i18n import _, format_date, translate
from sw_gremien.security import Permissions
from sw_gremien.text import read_amount
from sw_gremien.workflow.engine import fire, may_fire

OWNER_TYPE = "fund_applications"


@view_config(route_name="application_notice_pdf", permission=Permissions.VIEW_PERSONAL_DATA)
def application_notice(context, request):
    application = context.application
    if not application.has_grant:
        raise HTTPNotFound()
    response = Response(notice_pdf(request, application, request.locale_name), content_type="application/pdf")
    response.content_disposition = f'inline; filename="{notice_filename(application)}"'
    response.cache_control = "no-store"
    return response


@view_config(route_name="application_proof", renderer="funding/proof.jinja2", permission=Permissions.EDIT_OBJECT)
def application_proof(context, request):
    """The applicant fills in the proof of use while the grant is paid out (state "paid")."""
    application = context.application
    if application.state != PROOF_OWED_STATE:
        return HTTPFound(request.route_path("application", application_id=application.id))
    errors: dict = {}
    if request.method == "POST":
        check_posted_version(request, application, _(
            "Someone else has changed this application meanwhile. Please check and try again."))
        actual = {}
        for line in application.cost_lines:
            value = request.POST.get(f"actual-{line.id}", "").strip()
            if not value:
                actual[line.id] = None
                continue
            actual[line.id], message = read_amount(value, locale=request.locale_name)
            if message is not None:
                errors[line.id] = translate(request, message)
        upload = request.POST.get("receipt")
        if not errors and upload is not None and hasattr(upload, "file") and upload.filename:
            try:
                store_upload(request, OWNER_TYPE, application.id, upload.filename, upload.file)
            except UploadRefused as refused:
                errors["receipt"] = translate(request, refused.reason)
            finally:
                upload.file.close()
        if not errors:
            for line in application.cost_lines:
                line.actual_amount = actual[line.id]
            application.proof_report = request.POST.get("report", "").strip()[:20000]
            application.updated_at = utcnow()
            request.session.flash(translate(request, _(
                "The proof of use has been saved. Submit it on the application page when it is complete.")), "success")
            return HTTPFound(request.route_path("application", application_id=application.id))
        request.response.status = 422
    return {
        "application": application,
        "errors": errors,
        "posted": request.POST if request.method == "POST" else {},
        "receipts": attachments_of(request.dbsession, OWNER_TYPE, application.id),
        "upload_limit": upload_limit(request.registry.settings),
        "repayment": services.repayment_amount(application),
    }


@view_config(route_name="application_receipt", permission=Permissions.VIEW_PERSONAL_DATA)
def application_receipt(context, request):
    """A receipt of the proof of use, for the applicant and the office who checks it."""
    receipt = owned_attachment(request.dbsession, request.matchdict["attachment_id"], OWNER_TYPE,
                               context.application.id)
    if receipt is None:
        raise HTTPNotFound()
    return download_response(request, receipt)


@view_config(route_name="application_deadline", renderer="funding/deadline.jinja2",
             permission=Permissions.FIRE_TRANSITION)
class DeadlineView(FormView):
    """The office gives the initiative more time for the proof of use (the step
    ``extend_deadline`` with the reason in the history). The reminders start over for the new
    deadline."""

    form_id = "deadline"
    buttons = (deform.Button("save", _("Extend the deadline")),)

    def __call__(self):
        application = self.context.application
        if application.state != PROOF_OWED_STATE:
            raise HTTPNotFound()
        if not may_fire(application, "extend_deadline", self.request):
            raise HTTPForbidden()
        return super().__call__()

    def schema(self):
        return DeadlineSchema()

    def appstruct(self):
        return {"version": self.context.application.version}

    def page_values(self):
        return {"application": self.context.application}

    def save_success(self, appstruct):
        application, request = self.context.application, self.request
        check_posted_version(request, application, _(
            "Someone else has changed this application meanwhile. Please check and try again."))
        # The history keeps the reason; the page and the mail state the new date, each in
        # their reader's format.
        application.proof_deadline = appstruct["proof_deadline"]
        fire(application, "extend_deadline", request, comment=appstruct["reason"])
        self.flash(_("The new deadline for the proof of use is ${date}.",
                     mapping={"date": format_date(application.proof_deadline, request.locale_name)}))
        return self.redirect("application", application_id=application.id)
