"""Meeting pages: planning, the meeting with its agenda, the agenda builder, the results per
item, attendance and the minutes. The rules live in ``services``; views read forms and call
them."""

from __future__ import annotations

import datetime as dt

import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from sw_gremien.bodies.models import MEMBERSHIP_ROLE_LABELS
from sw_gremien.db import get_by_id
from sw_gremien.forms import FormView, check_posted_version
from sw_gremien.i18n import _, local_to_utc, to_local, translate
from sw_gremien.meetings import services
from sw_gremien.meetings.forms import (
    CorrectionSchema,
    FreeItemSchema,
    MinutesTextSchema,
    ItemEditSchema,
    MeetingSchema,
    ResultSchema,
    SeriesSchema,
    parse_time,
)
from sw_gremien.meetings.models import (
    ATTENDANCE_LABELS,
    MINUTES_EDITABLE_STATES,
    RECORDING_STATES,
    AttendanceStatus,
    ItemKind,
    Meeting,
)
from sw_gremien.proposals.models import Consultation
from sw_gremien.security import Permissions
from sw_gremien.text import render_markdown
from sw_gremien.workflow.panel import workflow_panel

STALE_MEETING = _("Someone else has changed this meeting meanwhile. Please check and try again.")


def _meeting_url(request, meeting: Meeting, route: str = "meeting") -> str:
    return request.route_path(route, meeting_id=meeting.id)


def _check_version(request, meeting: Meeting) -> None:
    check_posted_version(request, meeting, STALE_MEETING)


# -- Planning --------------------------------------------------------------------------------------
class _MeetingFormView(FormView):
    schema = MeetingSchema
    form_id = "meeting"

    def schema_bindings(self):
        return {"body": self.body, "meeting": getattr(self.context, "meeting", None)}

    def page_values(self):
        return {"body": self.body, "meeting": getattr(self.context, "meeting", None)}

    def _times(self, appstruct) -> tuple[dt.datetime, dt.datetime | None]:
        starts_at = local_to_utc(appstruct["date"], parse_time(appstruct["start_time"]))
        end = parse_time(appstruct["end_time"])
        return starts_at, (local_to_utc(appstruct["date"], end) if end else None)


@view_config(route_name="meeting_add", renderer="meetings/form.jinja2", permission=Permissions.MANAGE_MEETINGS)
class MeetingAddView(_MeetingFormView):
    buttons = (deform.Button("save", _("Plan meeting")),)

    @property
    def body(self):
        return self.context.body

    def appstruct(self):
        return {"start_time": "17:00", "end_time": "19:00", "public": self.body.has_public_part}

    def save_success(self, appstruct):
        starts_at, ends_at = self._times(appstruct)
        meeting = services.plan_meeting(
            self.request.dbsession, self.body, starts_at=starts_at, ends_at=ends_at,
            location=appstruct["location"], public=appstruct.get("public", False), note=appstruct["note"],
            created_by=self.request.user,
        )
        self.flash(_("The meeting has been planned. Now put together its agenda."))
        return HTTPFound(_meeting_url(self.request, meeting, "meeting_agenda"))


@view_config(route_name="meeting_series", renderer="meetings/form.jinja2", permission=Permissions.MANAGE_MEETINGS)
class MeetingSeriesView(_MeetingFormView):
    schema = SeriesSchema
    form_id = "series"
    buttons = (deform.Button("save", _("Plan the meetings")),)

    @property
    def body(self):
        return self.context.body

    def appstruct(self):
        return {"start_time": "17:00", "end_time": "19:00", "count": 4,
                "months_between": services.RHYTHM_MONTHS.get(self.body.rhythm, 3)}

    def page_values(self):
        return {**super().page_values(), "series": True}

    def save_success(self, appstruct):
        starts_at, ends_at = self._times(appstruct)
        meetings = services.plan_series(
            self.request.dbsession, self.body, first_start=starts_at,
            duration=(ends_at - starts_at) if ends_at else None, count=appstruct["count"],
            months_between=appstruct["months_between"], location=appstruct["location"],
            created_by=self.request.user,
        )
        self.flash(_("${count} meetings have been planned.", mapping={"count": len(meetings)}))
        return self.redirect("body", slug=self.body.slug)


@view_config(route_name="meeting_edit", renderer="meetings/form.jinja2", permission=Permissions.EDIT_OBJECT)
class MeetingEditView(_MeetingFormView):
    buttons = (deform.Button("save", _("Save")),)

    @property
    def body(self):
        return self.context.meeting.body

    def appstruct(self):
        meeting = self.context.meeting
        start = to_local(meeting.starts_at)
        return {
            "version": meeting.version, "date": start.date(), "start_time": start.strftime("%H:%M"),
            "end_time": to_local(meeting.ends_at).strftime("%H:%M") if meeting.ends_at else "",
            "location": meeting.location, "note": meeting.note, "public": meeting.public,
        }

    def __call__(self):
        if self.context.meeting.state not in ("planned", "convened"):
            return HTTPFound(_meeting_url(self.request, self.context.meeting))
        return super().__call__()

    def save_success(self, appstruct):
        meeting = self.context.meeting
        if appstruct["version"] != meeting.version:
            return self.refuse(STALE_MEETING, dict(appstruct, version=meeting.version), status=409)
        starts_at, ends_at = self._times(appstruct)
        moved = (starts_at, ends_at, appstruct["location"]) != (meeting.starts_at, meeting.ends_at, meeting.location)
        if meeting.invitation_out and starts_at != meeting.starts_at:
            problems = services.notice_period_problems(meeting, moved_to=starts_at, locale=self.request.locale_name)
            if problems:
                return self.refuse(_("After the invitation a meeting moves only with the notice period kept. "
                                     "Otherwise cancel it and convene a new one at short notice."),
                                   appstruct)
        services.reschedule(self.request.dbsession, meeting, starts_at=starts_at, ends_at=ends_at,
                            location=appstruct["location"], public=appstruct.get("public", meeting.public),
                            note=appstruct["note"])
        if meeting.invitation_out and moved:
            # Everyone invited gets the new date or place, with the agenda and calendar entry.
            from sw_gremien.meetings.invitations import send_invitations

            send_invitations(self.request, meeting, changed=True)
        self.flash(_("The meeting has been saved."))
        return HTTPFound(_meeting_url(self.request, meeting))


# -- The meeting page ------------------------------------------------------------------------------
@view_config(route_name="meeting", renderer="meetings/show.jinja2", permission=Permissions.VIEW_MEETING)
def meeting_show(context, request):
    meeting = context.meeting
    full = request.can(Permissions.VIEW_MEETING_DETAILS)
    services.load_agenda(request.dbsession, meeting)
    services.load_attendance(request.dbsession, meeting)
    parts = meeting.parts() if full else [(public, items) for public, items in meeting.parts() if public]
    # Results are known to all who see the item once they are released.
    results_released = meeting.state in ("closed", "minutes_approved")
    return {
        "meeting": meeting,
        "full": full,
        "parts": parts,
        "panel": workflow_panel(meeting, request, history_and_diagram=full) if full else None,
        "can_edit": request.can(Permissions.EDIT_OBJECT),
        "can_edit_agenda": request.can(Permissions.EDIT_OBJECT) and meeting.state in ("planned", "convened"),
        "recording": meeting.state in RECORDING_STATES and request.can(Permissions.EDIT_OBJECT),
        "show_results": results_released or (full and meeting.state == "held"),
        "quorum": services.quorum(meeting) if meeting.attendance else None,
        "markdown": render_markdown,
    }


# -- The agenda builder ----------------------------------------------------------------------------
def _agenda_values(context, request) -> dict:
    meeting = context.meeting
    services.load_agenda(request.dbsession, meeting)
    return {
        "meeting": meeting,
        "parts": meeting.parts(),
        "queue": services.agenda_candidates(request.dbsession, meeting.body_id),
    }


@view_config(route_name="meeting_agenda", request_method="GET", renderer="meetings/agenda.jinja2",
             permission=Permissions.EDIT_OBJECT)
def agenda_builder(context, request):
    if context.meeting.state not in ("planned", "convened"):
        return HTTPFound(_meeting_url(request, context.meeting))
    return _agenda_values(context, request)


@view_config(route_name="meeting_agenda", request_method="POST", permission=Permissions.EDIT_OBJECT)
def agenda_add_consultation(context, request):
    """Put one of the body's open consultations on the agenda."""
    meeting = context.meeting
    _check_version(request, meeting)
    consultation = get_by_id(request.dbsession, Consultation, request.POST.get("consultation_id", ""))
    if consultation is None or consultation.body_id != meeting.body_id or consultation.state != "open" \
            or meeting.state not in ("planned", "convened"):
        raise HTTPConflict(detail=translate(request, _("This proposal cannot be put on this agenda (any more).")))
    item = services.add_consultation(request, meeting, consultation, public=request.POST.get("public") == "1")
    request.session.flash(translate(request, _("Added as item ${number}.", mapping={"number": item.number})), "success")
    return HTTPFound(_meeting_url(request, meeting, "meeting_agenda"))


@view_config(route_name="meeting_agenda_order", request_method="POST", permission=Permissions.EDIT_OBJECT)
def agenda_order(context, request):
    """The order from drag and drop: the ids of all items, comma-separated."""
    meeting = context.meeting
    _check_version(request, meeting)
    try:
        ids = [int(value) for value in request.POST.get("order", "").split(",") if value]
    except ValueError:
        raise HTTPBadRequest() from None
    if not services.reorder(meeting, ids):
        raise HTTPConflict(detail=translate(request, STALE_MEETING))
    request.session.flash(translate(request, _("The order has been saved.")), "success")
    return HTTPFound(_meeting_url(request, meeting, "meeting_agenda"))


@view_config(route_name="meeting_item_move", request_method="POST", permission=Permissions.EDIT_OBJECT)
def agenda_item_move(context, request):
    """The keyboard way of ordering: move up or down by one."""
    _check_version(request, context.meeting)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        raise HTTPBadRequest()
    services.move_item(context.meeting, context.item, offset)
    # Back to the moved item, so keyboard users keep their place.
    return HTTPFound(_meeting_url(request, context.meeting, "meeting_agenda") + f"#item-{context.item.id}")


@view_config(route_name="meeting_item_remove", request_method="POST", permission=Permissions.EDIT_OBJECT)
def agenda_item_remove(context, request):
    meeting = context.meeting
    _check_version(request, meeting)
    if meeting.state not in ("planned", "convened") or context.item.withdrawn:
        raise HTTPConflict(detail=translate(request, _("This item cannot be taken off the agenda any more.")))
    services.remove_item(request, context.item)
    message = _("The item has been withdrawn; it keeps its number.") if meeting.invitation_out \
        else _("The item has been taken off the agenda.")
    request.session.flash(translate(request, message), "success")
    return HTTPFound(_meeting_url(request, meeting, "meeting_agenda"))


@view_config(route_name="meeting_item_add", renderer="meetings/item_form.jinja2", permission=Permissions.EDIT_OBJECT)
class FreeItemAddView(FormView):
    """A report or "Verschiedenes": items that carry no proposal."""

    schema = FreeItemSchema
    form_id = "item"
    buttons = (deform.Button("save", _("Add to the agenda")),)

    def __call__(self):
        if self.context.meeting.state not in ("planned", "convened"):
            return HTTPFound(_meeting_url(self.request, self.context.meeting))
        return super().__call__()

    def schema_bindings(self):
        return {"meeting": self.context.meeting}

    def appstruct(self):
        return {"kind": ItemKind.REPORT}

    def page_values(self):
        return {"meeting": self.context.meeting, "item": None, "mode": "add"}

    def save_success(self, appstruct):
        meeting = self.context.meeting
        item = services.add_free_item(self.request.dbsession, meeting, kind=appstruct["kind"],
                                      title=appstruct["title"], description=appstruct["description"],
                                      public=appstruct.get("public", False))
        self.flash(_("Added as item ${number}.", mapping={"number": item.number}))
        return HTTPFound(_meeting_url(self.request, meeting, "meeting_agenda"))


# -- One item: its text before the meeting, its results afterwards ---------------------------------
@view_config(route_name="meeting_item", renderer="meetings/item_form.jinja2", permission=Permissions.EDIT_OBJECT)
class ItemView(FormView):
    form_id = "item"

    def __call__(self):
        meeting = self.context.meeting
        if self.context.item.withdrawn:
            return HTTPFound(_meeting_url(self.request, meeting))
        if meeting.state in ("planned", "convened"):
            self.mode = "edit"
        elif meeting.state in RECORDING_STATES:
            self.mode = "result"
        elif meeting.state in MINUTES_EDITABLE_STATES:
            self.mode = "wording"  # circulated: the released outcome stays
        else:
            return HTTPFound(_meeting_url(self.request, meeting))
        return super().__call__()

    @property
    def buttons(self):
        if self.mode == "edit":
            return (deform.Button("save", _("Save")),)
        return (deform.Button("save", _("Save")), deform.Button("next", _("Save and next item")))

    def schema(self):
        return {"edit": ItemEditSchema, "result": ResultSchema, "wording": MinutesTextSchema}[self.mode]()

    def schema_bindings(self):
        meeting = self.context.meeting
        return {"meeting": meeting, "item": self.context.item,
                "outcomes": services.outcome_options(self.context.item, self.request),
                "voting": services.quorum(meeting).present}

    def appstruct(self):
        item = self.context.item
        if self.mode == "edit":
            return {"version": item.version, "title": item.title, "description": item.description,
                    "public": item.public}
        if self.mode == "wording":
            return {"version": item.version, "minutes": item.minutes, "resolution": item.resolution}
        return {"version": item.version, "minutes": item.minutes, "resolution": item.resolution,
                "outcome": item.outcome or "", "unanimous": item.unanimous, "votes_yes": item.votes_yes,
                "votes_no": item.votes_no, "votes_abstain": item.votes_abstain}

    def page_values(self):
        return {"meeting": self.context.meeting, "item": self.context.item, "mode": self.mode,
                "markdown": render_markdown}

    def save_success(self, appstruct):
        return self._save(appstruct)

    def next_success(self, appstruct):
        return self._save(appstruct, to_next=True)

    def _save(self, appstruct, to_next=False):
        meeting, item = self.context.meeting, self.context.item
        if appstruct["version"] != item.version:
            return self.refuse(_("Someone else has changed this item meanwhile. Your text is still here: "
                                 "check the current state on the meeting page, then save again."),
                               dict(appstruct, version=item.version), status=409)
        if self.mode == "edit":
            item.title = appstruct["title"]
            item.description = appstruct["description"]
            services.set_item_public(meeting, item, appstruct.get("public", item.public))
        elif self.mode == "wording":
            item.minutes, item.resolution = appstruct["minutes"], appstruct["resolution"]
        else:
            services.record_result(
                item, minutes=appstruct["minutes"], resolution=appstruct["resolution"],
                outcome=appstruct["outcome"], votes_yes=appstruct["votes_yes"], votes_no=appstruct["votes_no"],
                votes_abstain=appstruct["votes_abstain"], unanimous=appstruct["unanimous"],
            )
        self.flash(_("Item ${number} has been saved.", mapping={"number": item.number}))
        if to_next:
            items = [i for i in meeting.ordered_items() if not i.withdrawn]
            index = items.index(item)
            if index + 1 < len(items):
                return self.redirect("meeting_item", meeting_id=meeting.id, item_id=items[index + 1].id)
        return HTTPFound(_meeting_url(self.request, meeting) + f"#item-{item.id}")


@view_config(route_name="meeting_item_correct", renderer="meetings/item_form.jinja2",
             permission=Permissions.CORRECT_MINUTES)
class ItemCorrectionView(FormView):
    """Approved minutes: a correction is a new version with its reason."""

    schema = CorrectionSchema
    form_id = "correction"
    buttons = (deform.Button("save", _("Save correction")),)

    def appstruct(self):
        item = self.context.item
        return {"version": item.version, "minutes": item.minutes, "resolution": item.resolution}

    def page_values(self):
        return {"meeting": self.context.meeting, "item": self.context.item, "mode": "correct"}

    def save_success(self, appstruct):
        meeting, item = self.context.meeting, self.context.item
        if appstruct["version"] != item.version:
            return self.refuse(STALE_MEETING, dict(appstruct, version=item.version), status=409)
        changed = services.correct_minutes(self.request.dbsession, meeting, item, minutes=appstruct["minutes"],
                                           resolution=appstruct["resolution"], reason=appstruct["reason"],
                                           user=self.request.user)
        if changed:
            self.flash(_("The minutes have been corrected (version ${version}).",
                         mapping={"version": meeting.minutes_version}))
        return self.redirect("meeting_minutes", meeting_id=meeting.id)


# -- Attendance ------------------------------------------------------------------------------------
@view_config(route_name="meeting_attendance", renderer="meetings/attendance.jinja2",
             permission=Permissions.EDIT_OBJECT)
def attendance(context, request):
    """One row per invited person: present, excused, absent or represented (by whom)."""
    meeting = context.meeting
    if meeting.state not in RECORDING_STATES:
        return HTTPFound(_meeting_url(request, meeting))
    services.load_attendance(request.dbsession, meeting)
    rows = sorted(meeting.attendance, key=lambda row: row.user.display_name)
    errors: dict[int, str] = {}
    submitted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        _check_version(request, meeting)
        for row in rows:
            status = request.POST.get(f"status-{row.user_id}", "")
            represented_by = request.POST.get(f"represented-{row.user_id}", "").strip()[:200]
            submitted[row.user_id] = (status, represented_by)
            if status and status not in AttendanceStatus.__members__.values():
                raise HTTPBadRequest()
            if status == AttendanceStatus.REPRESENTED and not represented_by:
                errors[row.user_id] = translate(request, _("Please say who represented this member."))
        if not errors:
            services.record_attendance(meeting, {uid: (status or None, by) for uid, (status, by) in submitted.items()})
            request.session.flash(translate(request, _("The attendance has been saved.")), "success")
            return HTTPFound(_meeting_url(request, meeting) + "#attendance-heading")
        request.response.status = 422
    return {
        "meeting": meeting,
        "rows": rows,
        "errors": errors,
        "submitted": submitted,
        "statuses": [(status.value, ATTENDANCE_LABELS[status]) for status in AttendanceStatus],
        "row_role_labels": MEMBERSHIP_ROLE_LABELS,
    }


# -- Minutes ---------------------------------------------------------------------------------------
@view_config(route_name="meeting_minutes", renderer="meetings/minutes.jinja2",
             permission=Permissions.VIEW_MEETING_DETAILS)
def minutes(context, request):
    meeting = context.meeting
    if meeting.state not in ("held", "closed", "minutes_approved"):
        raise HTTPNotFound()
    services.load_agenda(request.dbsession, meeting)
    services.load_attendance(request.dbsession, meeting)
    return {
        "meeting": meeting,
        "items": meeting.ordered_items(),
        "attendance": sorted(meeting.attendance, key=lambda row: row.user.display_name),
        "quorum": services.quorum(meeting),
        "corrections": services.corrections_of(request.dbsession, meeting),
        "can_correct": request.can(Permissions.CORRECT_MINUTES),
        "can_edit": request.can(Permissions.EDIT_OBJECT) and meeting.state in MINUTES_EDITABLE_STATES,
        "markdown": render_markdown,
        "row_role_labels": MEMBERSHIP_ROLE_LABELS,
    }
