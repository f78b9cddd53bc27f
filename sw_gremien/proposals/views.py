"""Proposal pages: the desk, the list with search, the proposal page with its path, forms to
write and edit proposals and to shape the path, and the office's proposal types."""

from __future__ import annotations

import math

import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import selectinload

from sw_gremien.bodies.models import Body
from sw_gremien.db import MAX_ID
from sw_gremien.documents.services import (
    UploadRefused,
    attachments_of,
    delete_attachment,
    download_response,
    owned_attachment,
    store_upload,
    upload_limit,
)
from sw_gremien.districts import DISTRICT_CHOICES, DISTRICTS
from sw_gremien.forms import FormView
from sw_gremien.i18n import _, translate
from sw_gremien.proposals import search, services
from sw_gremien.proposals.forms import (
    ORIGIN,
    PATH_ROWS,
    ProposalEditSchema,
    ProposalSchema,
    make_path_schema,
    make_type_schema,
)
from sw_gremien.proposals.models import (
    CONSULTATION_ROLE_LABELS,
    Consultation,
    Proposal,
    ProposalDistrict,
    ProposalType,
    ProposalTypeStep,
)
from sw_gremien.security import Permissions
from sw_gremien.text import render_markdown
from sw_gremien.workflow.panel import workflow_panel


PROPOSALS_PER_PAGE = 25


def _id_param(value: str) -> int | None:
    """A number from the query string within the database's integer range, else None (a
    filter like ?gremium=99999999999999999999 or ?jahr=² must not break the page)."""
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def _page_number(request) -> int:
    try:
        return max(1, int(request.params.get("seite", "1")))
    except ValueError:
        return 1


# -- The desk ------------------------------------------------------------------------------------
@view_config(route_name="desk", renderer="proposals/desk.jinja2", permission=Permissions.AUTHENTICATED)
def desk_view(request):
    from sw_gremien.meetings.services import upcoming_for_member

    return {
        "meetings": upcoming_for_member(request),
        "desk": services.desk(request),
        "can_write": bool(services.working_groups_of(request.dbsession, request.user)),
    }


# -- The list ------------------------------------------------------------------------------------
@view_config(route_name="proposals", renderer="proposals/list.jinja2", permission=Permissions.PUBLIC)
def proposal_list(request):
    params = request.params
    dbsession = request.dbsession
    workflow = request.workflows["proposal"]
    conditions = [services.visible_condition(request, workflow)]
    filters = {key: params.get(key, "").strip() for key in ("q", "gremium", "stand", "art", "bezirk", "jahr")}
    body_id = _id_param(filters["gremium"])
    if body_id is not None:
        conditions.append(or_(
            Proposal.origin_body_id == body_id,
            Proposal.id.in_(select(Consultation.proposal_id).where(Consultation.body_id == body_id)),
        ))
    if filters["stand"] in workflow.states:
        conditions.append(Proposal.state == filters["stand"])
    type_id = _id_param(filters["art"])
    if type_id is not None:
        conditions.append(Proposal.type_id == type_id)
    if filters["bezirk"] in DISTRICTS:
        conditions.append(Proposal.id.in_(
            select(ProposalDistrict.proposal_id).where(ProposalDistrict.district == filters["bezirk"])
        ))
    year = _id_param(filters["jahr"])
    if year is not None:
        conditions.append(extract("year", Proposal.created_at) == year)
    text_condition = search.matches(dbsession, filters["q"])
    if text_condition is not None:
        conditions.append(text_condition)

    total = dbsession.scalar(select(func.count(Proposal.id)).where(*conditions))
    pages = max(1, math.ceil(total / PROPOSALS_PER_PAGE))
    page = min(_page_number(request), pages)
    proposals = dbsession.scalars(
        select(Proposal).where(*conditions)
        .options(selectinload(Proposal.origin_body), selectinload(Proposal.proposal_type),
                 selectinload(Proposal.district_rows))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .limit(PROPOSALS_PER_PAGE).offset((page - 1) * PROPOSALS_PER_PAGE)
    ).all()
    bodies = dbsession.execute(select(Body.id, Body.short_name, Body.name).order_by(Body.position)).all()
    types = dbsession.execute(select(ProposalType.id, ProposalType.name).order_by(ProposalType.position)).all()
    query_without_page = {k: v for k, v in filters.items() if v}
    return {
        "proposals": proposals,
        "total": total,
        "page": page,
        "pages": pages,
        "filters": filters,
        "query_without_page": query_without_page,
        "bodies": bodies,
        "types": types,
        "states": list(workflow.states.values()),
        "districts": DISTRICT_CHOICES,
        "district_labels": DISTRICTS,
        "years": range(services.today().year, 2014, -1),
    }


# -- The proposal page -------------------------------------------------------------------------
def _proposal_page_values(context, request, full: bool = True) -> dict:
    """What the proposal page shows; the print view (``full=False``) needs no history
    query, diagram or step actions."""
    proposal = context.proposal
    current = proposal.current_round
    consultation_panels = {
        c.id: workflow_panel(c, request, history_and_diagram=False)
        for c in current if full and c.state in ("open", "scheduled")
    }
    return {
        "proposal": proposal,
        "panel": workflow_panel(proposal, request, history_and_diagram=full),
        "consultation_panels": consultation_panels,
        "rounds": _rounds(proposal),
        "markdown": render_markdown,
        "district_names": [DISTRICTS.get(d, d) for d in proposal.districts],
        "attachments": attachments_of(request.dbsession, "proposals", proposal.id),
        "can_edit": request.can(Permissions.EDIT_OBJECT),
        "can_edit_path": request.can(Permissions.EDIT_PATH),
        "consultation_states": request.workflows["consultation"].states,
        "upload_error": None,
        "upload_limit": upload_limit(request.registry.settings),
        "agenda_items": _agenda_items(request, proposal),
        "grant_entries": _grant_entries(request, proposal),
        "may_edit_grant_list": _may_edit_grant_list(request, proposal),
    }


def _grant_entries(request, proposal: Proposal) -> list:
    """A grant list's applications (Integrations-Fonds); empty for every other proposal."""
    from sw_gremien.funding.grant_list import entries_of, is_grant_list

    return entries_of(request.dbsession, proposal.id) if is_grant_list(proposal) else []


def _may_edit_grant_list(request, proposal: Proposal) -> bool:
    """The link to a grant list's amounts, for its editors while it is undecided."""
    from sw_gremien.funding.grant_list import editable, editor_principals, is_grant_list

    return (is_grant_list(proposal) and editable(proposal)
            and bool(set(request.principals) & set(editor_principals(proposal))))


def _agenda_items(request, proposal: Proposal) -> dict:
    """The agenda items (with their meetings) where the steps are or were treated, by id:
    those the current user may see (the body's own people all, others the public items of
    public meetings once convened)."""
    from sw_gremien.meetings.models import AgendaItem, Meeting
    from sw_gremien.meetings.resources import sees_everything
    from sw_gremien.meetings.services import visible_condition

    ids = [c.agenda_item_id for c in proposal.consultations if c.agenda_item_id]
    if not ids:
        return {}
    items = request.dbsession.scalars(
        select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.id.in_(ids), visible_condition(request))
        .options(selectinload(AgendaItem.meeting))
    )
    return {item.id: item for item in items
            if sees_everything(request, item.meeting) or (item.public and item.meeting.public)}


def _rounds(proposal: Proposal) -> list[tuple[int, list[Consultation]]]:
    rounds: dict[int, list[Consultation]] = {}
    for consultation in proposal.consultations:
        rounds.setdefault(consultation.round, []).append(consultation)
    return sorted(rounds.items(), reverse=True)


@view_config(route_name="proposal", renderer="proposals/show.jinja2", permission=Permissions.VIEW_OBJECT)
def proposal_show(context, request):
    return _proposal_page_values(context, request)


@view_config(route_name="proposal_print", renderer="proposals/print.jinja2", permission=Permissions.VIEW_OBJECT)
def proposal_print(context, request):
    return _proposal_page_values(context, request, full=False)


# -- Writing ------------------------------------------------------------------------------------
def _field_values(appstruct) -> dict:
    return {
        "title": appstruct["title"],
        "subject": appstruct["subject"],
        "resolution": appstruct["resolution"],
        "reasoning": appstruct["reasoning"],
        "cost_estimate": appstruct["cost_estimate"],
        "districts": appstruct["districts"],
        "co_author_ids": {int(v) for v in appstruct["co_author_ids"]},
    }


@view_config(route_name="proposal_add", renderer="proposals/form.jinja2", permission=Permissions.AUTHENTICATED)
class ProposalAddView(FormView):
    schema = ProposalSchema
    form_id = "proposal"
    buttons = (deform.Button("save", _("Save draft")),)

    def __call__(self):
        # Only members of a working group write proposals (for it); the office for any.
        self.working_groups = services.working_groups_of(self.request.dbsession, self.request.user)
        if not self.working_groups:
            raise HTTPForbidden()
        return super().__call__()

    def appstruct(self):
        wanted = self.request.params.get("gremium", "")
        origin = next((b for b in self.working_groups if str(b.id) == wanted), self.working_groups[0])
        return {"origin_body_id": origin.id}

    def page_values(self):
        return {"proposal": None}

    def save_success(self, appstruct):
        dbsession = self.request.dbsession
        proposal = services.create_proposal(
            dbsession,
            author=self.request.user,
            origin_body=dbsession.get(Body, appstruct["origin_body_id"]),
            proposal_type=dbsession.get(ProposalType, appstruct["type_id"]),
            **_field_values(appstruct),
        )
        self.flash(_("The draft has been saved. Submit it when it is complete."))
        return self.redirect("proposal", proposal_id=proposal.id)


@view_config(route_name="proposal_edit", renderer="proposals/form.jinja2", permission=Permissions.EDIT_OBJECT)
class ProposalEditView(FormView):
    schema = ProposalEditSchema
    form_id = "proposal"
    buttons = (deform.Button("save", _("Save")),)

    def appstruct(self):
        proposal = self.context.proposal
        return {
            "version": proposal.version,
            "title": proposal.title,
            "type_id": proposal.type_id,
            "co_author_ids": {str(u.id) for u in proposal.co_authors},
            "subject": proposal.subject,
            "resolution": proposal.resolution,
            "reasoning": proposal.reasoning,
            "cost_estimate": proposal.cost_estimate,
            "districts": set(proposal.districts),
        }

    def schema_bindings(self):
        return {"locale": self.request.locale_name}

    def page_values(self):
        return {"proposal": self.context.proposal}

    def save_success(self, appstruct):
        proposal = self.context.proposal
        if appstruct["version"] != proposal.version:
            return self._conflict(appstruct)
        dbsession = self.request.dbsession
        services.apply_fields(dbsession, proposal, _field_values(appstruct))
        services.change_type(dbsession, proposal, dbsession.get(ProposalType, appstruct["type_id"]))
        # Touch the row even when only districts or co-authors changed, so the version moves
        # on and a form opened before this save is recognised as stale.
        proposal.updated_at = services.utcnow()
        self.flash(_("The proposal has been saved."))
        return self.redirect("proposal", proposal_id=proposal.id)

    def _conflict(self, appstruct):
        """Someone changed the proposal since this form was opened: show the form again with
        everything the user typed, and say so, instead of overwriting their change."""
        values = self.refuse(
            _("Someone else has changed this proposal since you opened the form. Your text is "
              "still here: compare it with the current version (opens in a new tab), then save again."),
            dict(appstruct, version=self.context.proposal.version),
            status=409,
        )
        values["conflict"] = True
        return values


@view_config(route_name="proposal_path", renderer="proposals/path.jinja2", permission=Permissions.EDIT_PATH)
class ProposalPathView(FormView):
    form_id = "path"
    buttons = (deform.Button("save", _("Save path")),)

    def schema(self):
        return make_path_schema()

    def appstruct(self):
        values = {"version": self.context.proposal.version}
        for index, consultation in enumerate(self.context.proposal.current_round, start=1):
            values[f"step{index}"] = {"body_id": consultation.body_id, "role": consultation.role}
        return values

    def page_values(self):
        return {"proposal": self.context.proposal, "rows": PATH_ROWS}

    def save_success(self, appstruct):
        proposal = self.context.proposal
        steps = [
            services.PathStep(appstruct[f"step{i}"]["body_id"], appstruct[f"step{i}"]["role"])
            for i in range(1, PATH_ROWS + 1) if appstruct[f"step{i}"]["body_id"]
        ]
        problems = services.path_problems(steps, proposal.proposal_type)
        if appstruct["version"] != proposal.version or problems:
            message = problems[0] if problems else _("Someone else has changed this proposal meanwhile. Please check the path and save again.")
            return self.refuse(message, dict(appstruct, version=proposal.version), status=422 if problems else 409)
        services.replace_path(self.request.dbsession, proposal, steps)
        proposal.updated_at = services.utcnow()
        self.flash(_("The consultation path has been saved."))
        return self.redirect("proposal", proposal_id=proposal.id)


# -- Proposal types (the office) -------------------------------------------------------------
@view_config(route_name="proposal_types", renderer="proposals/types.jinja2",
             permission=Permissions.MANAGE_PROPOSAL_TYPES)
def proposal_types(request):
    types = request.dbsession.scalars(
        select(ProposalType).options(selectinload(ProposalType.steps).selectinload(ProposalTypeStep.body))
        .order_by(ProposalType.position, ProposalType.name)
    ).all()
    return {"types": types, "role_labels": CONSULTATION_ROLE_LABELS}


class _TypeFormView(FormView):
    form_id = "proposal-type"

    def schema(self):
        return make_type_schema()

    def _apply(self, proposal_type: ProposalType, appstruct) -> None:
        for name in ("name", "description", "informational", "active", "position"):
            setattr(proposal_type, name, appstruct[name])
        proposal_type.steps = [
            ProposalTypeStep(position=i, role=appstruct[f"step{i}"]["role"],
                             body_id=None if appstruct[f"step{i}"]["body"] == ORIGIN else int(appstruct[f"step{i}"]["body"]))
            for i in range(1, PATH_ROWS + 1) if appstruct[f"step{i}"]["body"]
        ]

    def _problems(self, appstruct) -> list:
        steps = [services.PathStep(0, appstruct[f"step{i}"]["role"])
                 for i in range(1, PATH_ROWS + 1) if appstruct[f"step{i}"]["body"]]
        probe = ProposalType(informational=appstruct["informational"])
        return services.path_problems(steps, probe)


@view_config(route_name="proposal_type_add", renderer="proposals/type_form.jinja2",
             permission=Permissions.MANAGE_PROPOSAL_TYPES)
class ProposalTypeAddView(_TypeFormView):
    def appstruct(self):
        return {"active": True, "step1": {"body": ORIGIN, "role": "decision"}}

    def page_values(self):
        return {"proposal_type": None}

    def save_success(self, appstruct):
        problems = self._problems(appstruct)
        if problems:
            return self.refuse(problems[0], appstruct)
        proposal_type = ProposalType()
        self._apply(proposal_type, appstruct)
        self.request.dbsession.add(proposal_type)
        self.flash(_("The proposal type has been created."))
        return self.redirect("proposal_types")


@view_config(route_name="proposal_type_edit", renderer="proposals/type_form.jinja2",
             permission=Permissions.MANAGE_PROPOSAL_TYPES)
class ProposalTypeEditView(_TypeFormView):
    def appstruct(self):
        proposal_type = self.context.proposal_type
        values = {name: getattr(proposal_type, name)
                  for name in ("name", "description", "informational", "active", "position")}
        for step in proposal_type.steps:
            values[f"step{step.position}"] = {"body": str(step.body_id) if step.body_id else ORIGIN, "role": step.role}
        return values

    def page_values(self):
        return {"proposal_type": self.context.proposal_type}

    def save_success(self, appstruct):
        problems = self._problems(appstruct)
        if problems:
            return self.refuse(problems[0], appstruct)
        self._apply(self.context.proposal_type, appstruct)
        self.flash(_("The proposal type has been saved."))
        return self.redirect("proposal_types")


# -- Attachments ----------------------------------------------------------------------------------
@view_config(route_name="proposal_attachments", request_method="POST", renderer="proposals/show.jinja2",
             permission=Permissions.EDIT_OBJECT)
def attachment_upload(context, request):
    upload = request.POST.get("file")
    try:
        if upload is None or not hasattr(upload, "file"):
            raise UploadRefused(_("Please choose a file."))
        store_upload(request, "proposals", context.proposal.id, upload.filename, upload.file)
    except UploadRefused as refused:
        request.response.status = 422
        values = _proposal_page_values(context, request)
        values["upload_error"] = translate(request, refused.reason)
        return values
    finally:
        # Large uploads arrive in a temporary file; give it back now, not whenever the
        # garbage collector comes by.
        if upload is not None and hasattr(upload, "file"):
            upload.file.close()
    request.session.flash(translate(request, _("The file has been attached.")), "success")
    return HTTPFound(request.route_path("proposal", proposal_id=context.proposal.id, _anchor="anlagen"))


@view_config(route_name="proposal_attachments", request_method="GET", permission=Permissions.VIEW_OBJECT)
def attachments_anchor(context, request):
    """The upload form posts here; links built on a refused upload's page (the language
    switch) come back by GET and land on the proposal's attachments."""
    return HTTPFound(request.route_path("proposal", proposal_id=context.proposal.id, _anchor="anlagen"))


def _attachment(context, request):
    attachment = owned_attachment(request.dbsession, request.matchdict["attachment_id"], "proposals",
                                  context.proposal.id)
    if attachment is None:
        raise HTTPNotFound()
    return attachment


@view_config(route_name="proposal_attachment", permission=Permissions.VIEW_OBJECT)
def attachment_download(context, request):
    return download_response(request, _attachment(context, request))


@view_config(route_name="proposal_attachment_delete", request_method="POST", permission=Permissions.EDIT_OBJECT)
def attachment_delete(context, request):
    attachment = _attachment(context, request)
    delete_attachment(request, attachment)
    request.session.flash(translate(request, _("The attachment “${name}” has been removed.",
                                               mapping={"name": attachment.filename})), "success")
    return HTTPFound(request.route_path("proposal", proposal_id=context.proposal.id, _anchor="anlagen"))
