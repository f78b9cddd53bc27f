"""The office's grant lists: choose reviewed applications with the amounts recommended, which
makes a draft proposal "Förderliste"; adjust amounts, conditions and rejections until the
decision."""

from __future__ import annotations

from decimal import Decimal

from pyramid.httpexceptions import HTTPConflict, HTTPFound, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.db import utcnow
from sw_gremien.forms import check_posted_version
from sw_gremien.funding import grant_list
from sw_gremien.funding.models import FundApplication, GrantListEntry
from sw_gremien.i18n import _, translate
from sw_gremien.security import Permissions
from sw_gremien.text import read_amount

# A grant is at least a cent and below ten million euros.
SMALLEST_GRANT = Decimal("0.01")
LARGEST_GRANT = Decimal("9999999.99")


def _amount(request, name: str, errors: dict, key) -> Decimal | None:
    amount, message = read_amount(request.POST.get(name, ""), minimum=SMALLEST_GRANT, maximum=LARGEST_GRANT,
                                  locale=request.locale_name)
    if message is not None:
        errors[key] = translate(request, message)
    return amount


@view_config(route_name="grant_list_add", renderer="funding/grant_list_add.jinja2", permission=Permissions.MANAGE_FUND)
def grant_list_add(request):
    candidates = list(request.dbsession.scalars(
        select(FundApplication).where(FundApplication.state == "in_review")
        .options(selectinload(FundApplication.organisation)).order_by(FundApplication.submitted_at)
    ))
    errors: dict = {}
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getall("application") if v.isdigit()}
        by_id = {a.id: a for a in candidates}
        if not chosen or not chosen <= set(by_id):
            errors["form"] = translate(request, _("Choose at least one application in review."))
        amounts = {app_id: _amount(request, f"amount-{app_id}", errors, app_id) for app_id in chosen & set(by_id)}
        if not errors:
            try:
                proposal = grant_list.create_grant_list(request, [by_id[i] for i in sorted(chosen)], amounts)
            except grant_list.GrantListUnavailable:
                errors["form"] = translate(request, _(
                    "The proposal type “Förderliste” or the working group AG-FÖ is missing (sw-gremien seed-structure)."))
            else:
                request.session.flash(translate(request, _(
                    "The grant list has been written as a draft proposal. Submit it to start the consultation.")), "success")
                return HTTPFound(request.route_path("proposal", proposal_id=proposal.id))
        request.response.status = 422
    return {"candidates": candidates, "errors": errors, "posted": request.POST if request.method == "POST" else {},
            "chosen": set(request.POST.getall("application")) if request.method == "POST" else set()}


@view_config(route_name="grant_list_edit", renderer="funding/grant_list_edit.jinja2",
             permission=Permissions.EDIT_GRANT_LIST)
def grant_list_edit(context, request):
    """Amounts, conditions and rejections of a list until its decision."""
    proposal = context.proposal
    entries = grant_list.entries_of(request.dbsession, proposal.id)
    if not entries:
        raise HTTPNotFound()
    editable = grant_list.editable(proposal)
    errors: dict = {}
    if request.method == "POST":
        if not editable:
            raise HTTPConflict(detail=translate(request, _("The grant list has been decided.")))
        check_posted_version(request, proposal, _(
            "Someone else has changed this proposal meanwhile. Please check and try again."))
        values = {}
        for entry in entries:
            amount = _amount(request, f"amount-{entry.id}", errors, entry.id)
            values[entry.id] = (amount, request.POST.get(f"conditions-{entry.id}", "").strip()[:2000],
                                request.POST.get(f"reject-{entry.id}") == "1")
        if not errors:
            for entry in entries:
                entry.amount, entry.conditions, entry.reject = values[entry.id]
                entry.application.recommended_amount = entry.amount
            # A changed list is a changed proposal: its version moves on.
            proposal.updated_at = utcnow()
            request.session.flash(translate(request, _("The grant list has been saved.")), "success")
            return HTTPFound(request.route_path("proposal", proposal_id=proposal.id))
        request.response.status = 422
    return {"proposal": proposal, "entries": entries, "editable": editable, "errors": errors,
            "posted": request.POST if request.method == "POST" else {}}


def grant_list_entries(request, proposal) -> list[GrantListEntry]:
    """For the proposal page: the list's entries (none for other proposals)."""
    return grant_list.entries_of(request.dbsession, proposal.id)
