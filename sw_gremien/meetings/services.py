"""The rules of meetings.

Planning (single meetings and series, numbered per body and year), the agenda (what is ready,
free and standing items, order, numbers that stay stable once the invitation is out),
attendance and quorum, the results per item, and what follows a meeting's transitions: the
invitation when it is convened, the release of the results when it is closed (only then do the
outcomes fire the consultations, all in the request's one transaction), and the approval of the
minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, Membership, MembershipRole
from sw_gremien.db import utcnow
from sw_gremien.i18n import _, format_date, local_to_utc, to_local, today
from sw_gremien.meetings.models import (
    FREE_ITEM_OUTCOMES,
    MINUTES_OUTCOMES,
    OUTCOME_TRIGGERS,
    OUTCOMES_NEEDING_TEXT,
    AgendaItem,
    AttendanceStatus,
    Attendance,
    ItemKind,
    Meeting,
    MinutesCorrection,
    Outcome,
)
from sw_gremien.proposals.models import Consultation, Proposal
from sw_gremien.workflow import engine
from sw_gremien.workflow import guards as guard_registry

# Months between two meetings of a series, from the body's rhythm.
RHYTHM_MONTHS = {"quarterly": 3, "twice_a_year": 6, "several_a_year": 2, "as_needed": 3}


def meeting_title(meeting: Meeting):
    """"2. Sitzung 2026" (translated where shown)."""
    return meeting.title


def local_start(meeting: Meeting) -> dt.datetime:
    return to_local(meeting.starts_at)


# -- Planning ------------------------------------------------------------------------------------
def next_number(dbsession, body_id: int, year: int) -> int:
    """The body's next meeting number in ``year``. The (body, year, number) unique constraint
    stops two concurrent plans from taking the same one."""
    return (dbsession.scalar(
        select(func.max(Meeting.number)).where(Meeting.body_id == body_id, Meeting.year == year)
    ) or 0) + 1


def plan_meeting(dbsession, body: Body, *, starts_at: dt.datetime, ends_at: dt.datetime | None = None,
                 location: str = "", public: bool | None = None, note: str = "",
                 created_by: User | None = None) -> Meeting:
    year = to_local(starts_at).year
    meeting = Meeting(
        state="planned", body_id=body.id, body=body, year=year,
        number=next_number(dbsession, body.id, year),
        starts_at=starts_at, ends_at=ends_at, location=location, note=note,
        public=body.has_public_part if public is None else (public and body.has_public_part),
        created_by_id=created_by.id if created_by else None,
    )
    dbsession.add(meeting)
    dbsession.flush()
    add_pending_minutes_approvals(dbsession, meeting)
    return meeting


def plan_series(dbsession, body: Body, *, first_start: dt.datetime, duration: dt.timedelta | None,
                count: int, months_between: int, location: str = "", created_by: User | None = None
                ) -> list[Meeting]:
    """Meetings at the same local time every ``months_between`` months (Berlin time, so a
    meeting at 17:00 stays at 17:00 across the change to summer time)."""
    local_first = to_local(first_start)
    meetings = []
    for index in range(count):
        local = local_first + relativedelta(months=index * months_between)
        starts_at = local_to_utc(local.date(), local.time().replace(tzinfo=None))
        meetings.append(plan_meeting(
            dbsession, body, starts_at=starts_at, ends_at=starts_at + duration if duration else None,
            location=location, created_by=created_by,
        ))
    return meetings


def reschedule(dbsession, meeting: Meeting, *, starts_at: dt.datetime, ends_at: dt.datetime | None,
               location: str, public: bool, note: str) -> None:
    """Change date, place or note. A planned meeting that moves to another year gets that
    year's next number; once invited, the number stays."""
    year = to_local(starts_at).year
    if meeting.state == "planned" and year != meeting.year:
        number = next_number(dbsession, meeting.body_id, year)
        meeting.year, meeting.number = year, number
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.location = location
    meeting.note = note
    if meeting.state == "planned":
        meeting.public = public and meeting.body.has_public_part
    dbsession.flush()


def notice_period_problems(meeting: Meeting, on: dt.date | None = None,
                           moved_to: dt.datetime | None = None, locale: str = "de") -> list:
    """The invitation must go out ``notice_period_days`` before the meeting day (also when an
    invited meeting is moved: ``moved_to``)."""
    day = on or today()
    meeting_day = to_local(moved_to or meeting.starts_at).date()
    if meeting_day < day:
        return [_("The meeting lies in the past.")]
    days = meeting.body.notice_period_days
    if (meeting_day - day).days < days:
        deadline = meeting_day - dt.timedelta(days=days)
        return [_(
            "The notice period of ${days} days is not kept: for a meeting on ${date} the "
            "invitation had to go out by ${deadline}. The chair may convene at short notice "
            "and give the reason.",
            mapping={"days": days, "date": format_date(meeting_day, locale),
                     "deadline": format_date(deadline, locale)},
        )]
    return []


# -- The agenda ----------------------------------------------------------------------------------
def touch(meeting: Meeting) -> None:
    """Mark the meeting changed (agenda, attendance): its version goes up with the next
    flush, so a form made from the earlier state is refused instead of overwriting."""
    meeting.updated_at = utcnow()


def agenda_candidates(dbsession, body_id: int) -> list[Consultation]:
    """The body's queue: its consultations ready for an agenda, oldest first."""
    return list(dbsession.scalars(
        select(Consultation).where(Consultation.body_id == body_id, Consultation.state == "open")
        .options(selectinload(Consultation.proposal).selectinload(Proposal.origin_body))
        .order_by(Consultation.opened_at, Consultation.id)
    ))


def _next_position(meeting: Meeting) -> int:
    return max((item.position for item in meeting.items), default=0) + 1


def _append(meeting: Meeting, item: AgendaItem, first: bool = False) -> AgendaItem:
    item.position = (min((i.position for i in meeting.items), default=1) - 1) if first else _next_position(meeting)
    if not meeting.public:
        item.public = False
    item.late = meeting.invitation_out
    item.number = ""
    meeting.items.append(item)
    renumber(meeting)
    touch(meeting)
    return item


def add_consultation(request, meeting: Meeting, consultation: Consultation, public: bool = False) -> AgendaItem:
    """Put a proposal's step on the agenda: the consultation becomes scheduled."""
    if consultation.body_id != meeting.body_id or consultation.state != "open":
        raise ValueError("only the body's open consultations go on its agenda")
    proposal = consultation.proposal
    item = _append(meeting, AgendaItem(
        kind=ItemKind.CONSULTATION, title=proposal.title, consultation=consultation, public=public,
    ))
    request.dbsession.flush()
    consultation.agenda_item_id = item.id
    engine.fire(consultation, "schedule", request, as_system=True)
    if public and meeting.public and meeting.invitation_out:
        proposal.public = True
    return item


def add_free_item(dbsession, meeting: Meeting, *, kind: str, title: str, description: str = "",
                  public: bool = False) -> AgendaItem:
    if kind not in (ItemKind.REPORT, ItemKind.OTHER):
        raise ValueError(kind)
    item = _append(meeting, AgendaItem(kind=kind, title=title, description=description, public=public))
    dbsession.flush()
    return item


def add_pending_minutes_approvals(dbsession, meeting: Meeting) -> None:
    """Standing item: the approval of the body's circulated minutes not yet on an agenda.
    Goes first, as is customary."""
    # On an agenda still to come, or approved there; a deferral or a cancellation frees it.
    on_agendas = select(AgendaItem.approves_meeting_id).join(Meeting, AgendaItem.meeting_id == Meeting.id).where(
        AgendaItem.approves_meeting_id.is_not(None), AgendaItem.withdrawn.is_(False),
        or_(Meeting.state.in_(("planned", "convened", "held")), AgendaItem.outcome == Outcome.DECIDED),
    )
    pending = dbsession.scalars(
        select(Meeting).where(
            Meeting.body_id == meeting.body_id, Meeting.state == "closed", Meeting.id != meeting.id,
            Meeting.starts_at < meeting.starts_at, Meeting.id.not_in(on_agendas),
        ).order_by(Meeting.starts_at.desc())
    ).all()
    for earlier in pending:
        _append(meeting, AgendaItem(
            kind=ItemKind.MINUTES_APPROVAL, title="", approves_meeting=earlier,
            approves_meeting_id=earlier.id, public=False,
        ), first=True)
    dbsession.flush()


def scheduled_here(item: AgendaItem) -> Consultation | None:
    """The item's consultation if it is scheduled on this very item (not withdrawn from it and
    put on another agenda meanwhile, nor ended or cancelled)."""
    consultation = item.consultation
    if item.withdrawn or consultation is None or consultation.state != "scheduled" \
            or consultation.agenda_item_id != item.id:
        return None
    return consultation


def remove_item(request, item: AgendaItem) -> None:
    """Before the invitation an item simply goes; afterwards it is withdrawn ("abgesetzt")
    and keeps its number. A proposal's step goes back to the queue either way."""
    meeting = item.meeting
    consultation = scheduled_here(item)
    if consultation is not None:
        engine.fire(consultation, "unschedule", request, as_system=True)
        consultation.agenda_item_id = None
    if meeting.invitation_out:
        item.withdrawn = True
    else:
        meeting.items.remove(item)
        request.dbsession.delete(item)
        renumber(meeting)
    touch(meeting)
    request.dbsession.flush()


def move_item(meeting: Meeting, item: AgendaItem, offset: int) -> bool:
    """Move an item up (-1) or down (+1) within its part. Only before the invitation: after
    it the numbers are fixed."""
    if meeting.invitation_out:
        return False
    part = next(items for _public, items in meeting.parts() if item in items)
    index = part.index(item)
    target = index + offset
    if not 0 <= target < len(part):
        return False
    part[index].position, part[target].position = part[target].position, part[index].position
    renumber(meeting)
    touch(meeting)
    return True


def reorder(meeting: Meeting, item_ids: list[int]) -> bool:
    """Set the order of the items from a drag-and-drop list of ids. The list must name each
    item exactly once; items keep their part."""
    items = {item.id: item for item in meeting.items}
    if meeting.invitation_out or sorted(item_ids) != sorted(items):
        return False
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
    renumber(meeting)
    touch(meeting)
    return True


def set_item_public(meeting: Meeting, item: AgendaItem, public: bool) -> None:
    """Move an item into the other part (at its end), before the invitation: afterwards the
    parts are published and numbered."""
    if not meeting.public or item.public == public or meeting.invitation_out:
        return
    item.public = public
    item.position = _next_position(meeting)
    renumber(meeting)
    touch(meeting)


def renumber(meeting: Meeting) -> None:
    """Numbers follow the order until the invitation is out (public part first, then the
    non-public part continuing the count). After it they stay; an item added late gets a
    sub-number of the item before it (4.1, 4.2) and nothing else moves."""
    if not meeting.invitation_out:
        ordered = sorted(meeting.items, key=lambda i: (not i.public if meeting.public else False, i.position))
        for number, item in enumerate(ordered, start=1):
            item.number = str(number)
        return
    for _public, items in meeting.parts():
        previous_main = None
        for item in items:
            if item.number:
                previous_main = item.number.split(".")[0]
                continue
            if previous_main is None:
                # A new part with no numbered items: continue after the highest main number.
                previous_main = str(max((int(i.number.split(".")[0]) for i in meeting.items if i.number),
                                        default=0) + 1)
                item.number = previous_main
                continue
            subs = [int(i.number.split(".")[1]) for i in meeting.items
                    if i.number and i.number.startswith(previous_main + ".")]
            item.number = f"{previous_main}.{max(subs, default=0) + 1}"


# -- Attendance ----------------------------------------------------------------------------------
def invitees(dbsession, meeting: Meeting) -> list[Membership]:
    """Everyone with a membership on the meeting day (guests included: they are invited too)."""
    day = to_local(meeting.starts_at).date()
    return list(dbsession.scalars(
        select(Membership).join(User, Membership.user_id == User.id).where(
            Membership.body_id == meeting.body_id, Membership.active_on(day), User.active.is_(True),
        ).options(selectinload(Membership.user)).order_by(User.display_name)
    ))


def prepare_attendance(dbsession, meeting: Meeting) -> None:
    """One row per invited person, still to be filled in; kept as it was when recorded."""
    known = {row.user_id for row in meeting.attendance}
    for membership in invitees(dbsession, meeting):
        if membership.user_id in known:
            continue
        meeting.attendance.append(Attendance(
            user_id=membership.user_id, user=membership.user, membership_role=membership.role,
            voting=membership.voting and membership.role != MembershipRole.GUEST, status=None,
        ))
    dbsession.flush()


def record_attendance(meeting: Meeting, entries: dict[int, tuple[str | None, str]]) -> None:
    """``entries``: user id → (status, represented by). Unknown ids are ignored."""
    for row in meeting.attendance:
        if row.user_id in entries:
            status, represented_by = entries[row.user_id]
            row.status = status
            row.represented_by = represented_by if status == AttendanceStatus.REPRESENTED else ""
    touch(meeting)


@dataclass(frozen=True)
class Quorum:
    present: int      # voting members present or represented
    voting: int       # voting members invited
    quorate: bool


def quorum(meeting: Meeting) -> Quorum:
    """Quorate when more than half of the voting members are present or represented."""
    voting = [row for row in meeting.attendance if row.voting]
    present = sum(1 for row in voting if row.status in (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED))
    return Quorum(present=present, voting=len(voting), quorate=present * 2 > len(voting))


# -- Results -------------------------------------------------------------------------------------
def outcome_options(item: AgendaItem, request) -> list[Outcome]:
    """The outcomes that fit the item. For a proposal's step they come from the consultation
    workflow itself: an outcome is offered when its transition leaves "scheduled" and the
    transition's applicability guards (the step's role, a proposal still undecided) let it."""
    if item.kind == ItemKind.MINUTES_APPROVAL:
        return list(MINUTES_OUTCOMES)
    if item.kind != ItemKind.CONSULTATION or item.consultation is None:
        return list(FREE_ITEM_OUTCOMES)
    workflow = request.workflows["consultation"]
    consultation = item.consultation
    options = []
    for outcome, trigger in OUTCOME_TRIGGERS.items():
        transition = workflow.transition("scheduled", trigger)
        if transition is None:
            continue
        if any(guard_registry.GUARDS[name](consultation, request)
               for name in transition.guards if name in guard_registry.APPLICABILITY_GUARDS):
            continue
        options.append(outcome)
    return options


def missing_results(meeting: Meeting, request) -> list:
    """What has to be recorded before the results can be released. An outcome that no
    longer fits (the proposal was decided elsewhere meanwhile) is named here, so releasing
    never fails halfway."""
    problems = []
    unrecorded = [row for row in meeting.attendance if row.status is None]
    if not meeting.attendance or unrecorded:
        problems.append(_("The attendance has not been recorded for everyone yet."))
    for item in meeting.ordered_items():
        if item.withdrawn or (item.kind == ItemKind.CONSULTATION and scheduled_here(item) is None):
            continue
        if not item.outcome:
            problems.append(_("Item ${number} has no outcome yet.", mapping={"number": item.number}))
        elif Outcome(item.outcome) not in outcome_options(item, request):
            problems.append(_("Item ${number}: the outcome does not fit (any more); please choose another.",
                              mapping={"number": item.number}))
        elif item.outcome in OUTCOMES_NEEDING_TEXT and not (item.resolution.strip() or item.minutes.strip()):
            problems.append(_("Item ${number}: the minutes must give the reason for this outcome.",
                              mapping={"number": item.number}))
    return problems


def record_result(item: AgendaItem, *, minutes: str, resolution: str, outcome: str | None,
                  votes_yes: int | None, votes_no: int | None, votes_abstain: int | None,
                  unanimous: bool) -> None:
    item.minutes = minutes
    item.resolution = resolution
    item.outcome = outcome or None
    item.unanimous = unanimous
    item.votes_yes, item.votes_no, item.votes_abstain = (
        (None, None, None) if unanimous else (votes_yes, votes_no, votes_abstain)
    )


def correct_minutes(dbsession, meeting: Meeting, item: AgendaItem, *, minutes: str, resolution: str,
                    reason: str, user: User) -> bool:
    """Approved minutes change only as a new version that records old text, new text and
    reason. Returns False when nothing changed."""
    changes = [(field, getattr(item, field), new) for field, new in
               (("minutes", minutes), ("resolution", resolution)) if getattr(item, field) != new]
    if not changes:
        return False
    meeting.minutes_version += 1
    for field, old, new in changes:
        dbsession.add(MinutesCorrection(
            meeting_id=meeting.id, item_id=item.id, version=meeting.minutes_version, field=field,
            old_text=old, new_text=new, reason=reason, corrected_by_id=user.id,
        ))
        setattr(item, field, new)
    dbsession.flush()
    return True


def corrections_of(dbsession, meeting: Meeting) -> list[MinutesCorrection]:
    return list(dbsession.scalars(
        select(MinutesCorrection).where(MinutesCorrection.meeting_id == meeting.id)
        .options(selectinload(MinutesCorrection.item), selectinload(MinutesCorrection.corrected_by))
        .order_by(MinutesCorrection.version, MinutesCorrection.id)
    ))


# -- What follows a transition -----------------------------------------------------------------
def on_transition(event: engine.ObjectTransitioned) -> None:
    if not isinstance(event.object, Meeting):
        return
    meeting: Meeting = event.object
    request = event.request
    trigger = event.transition.trigger
    if trigger in ("convene", "convene_at_short_notice"):
        _convene(request, meeting)
    elif trigger == "hold":
        prepare_attendance(request.dbsession, meeting)
    elif trigger == "close":
        release_results(request, meeting)
    elif trigger == "approve_minutes":
        meeting.minutes_approved_at = utcnow()
    elif trigger == "cancel":
        _cancel(request, meeting, event.event.comment, was_invited=event.from_state == "convened")


def _convene(request, meeting: Meeting) -> None:
    meeting.convened_at = utcnow()
    # From now on the numbers stay: items added later get sub-numbers.
    renumber(meeting)
    if meeting.public:
        for item in meeting.current_items:
            if item.public and item.consultation is not None:
                item.consultation.proposal.public = True
    from sw_gremien.meetings.invitations import send_invitations

    send_invitations(request, meeting)


def release_results(request, meeting: Meeting) -> None:
    """Fire each item's outcome on its consultation, approve minutes named by standing items
    and hand the minutes to the next meeting. Runs inside the closing transaction: if any step
    fails, the meeting is not closed and no consultation has moved."""
    meeting.closed_at = utcnow()
    for item in meeting.ordered_items():
        if item.withdrawn:
            continue
        if item.kind == ItemKind.CONSULTATION:
            consultation = scheduled_here(item)
            if consultation is None:
                continue  # the proposal was withdrawn meanwhile: nothing to decide any more
            comment = item.resolution.strip() or item.minutes.strip() or None
            engine.fire(consultation, OUTCOME_TRIGGERS[Outcome(item.outcome)], request,
                        comment=comment, as_system=True)
            if item.outcome == Outcome.DEFERRED:
                consultation.agenda_item_id = None
            if item.public and meeting.public:
                consultation.proposal.public = True
        elif item.kind == ItemKind.MINUTES_APPROVAL and item.outcome == Outcome.DECIDED:
            earlier = item.approves_meeting
            if earlier is not None and earlier.state == "closed":
                earlier.minutes_approved_in_id = meeting.id
                engine.fire(earlier, "approve_minutes", request, as_system=True,
                            comment=None)
    _hand_minutes_to_next_meeting(request.dbsession, meeting)
    from sw_gremien.meetings.invitations import send_minutes_circulated

    send_minutes_circulated(request, meeting)


def _hand_minutes_to_next_meeting(dbsession, meeting: Meeting) -> None:
    following = dbsession.scalars(
        select(Meeting).where(
            Meeting.body_id == meeting.body_id, Meeting.state == "planned",
            Meeting.starts_at > meeting.starts_at,
        ).order_by(Meeting.starts_at).limit(1)
    ).first()
    if following is not None:
        add_pending_minutes_approvals(dbsession, following)


def _cancel(request, meeting: Meeting, reason: str | None, was_invited: bool) -> None:
    for item in meeting.items:
        consultation = scheduled_here(item)
        if consultation is not None:
            engine.fire(consultation, "unschedule", request, as_system=True)
            consultation.agenda_item_id = None
    # Minutes that were to be approved here go to the body's next meeting.
    _hand_minutes_to_next_meeting(request.dbsession, meeting)
    if was_invited:
        from sw_gremien.meetings.invitations import send_cancellation

        send_cancellation(request, meeting, reason)


# -- Loading for pages and documents --------------------------------------------------------------
def load_agenda(dbsession, meeting: Meeting) -> None:
    """The items with what they show (proposal, its origin, the standing item's meeting) into
    the meeting's collection: a fixed number of statements however long the agenda. (Loaded
    through the meeting: loose query results would leave the session again.)"""
    dbsession.scalars(
        select(Meeting).where(Meeting.id == meeting.id).options(
            selectinload(Meeting.items).selectinload(AgendaItem.consultation)
            .selectinload(Consultation.proposal).selectinload(Proposal.origin_body),
            selectinload(Meeting.items).selectinload(AgendaItem.approves_meeting),
        )
    ).all()


def load_attendance(dbsession, meeting: Meeting) -> None:
    """The attendance with the people, into the meeting's collection, in two statements."""
    dbsession.scalars(
        select(Meeting).where(Meeting.id == meeting.id)
        .options(selectinload(Meeting.attendance).selectinload(Attendance.user))
    ).all()


# -- Lists ---------------------------------------------------------------------------------------
def meetings_of_body(request, body_id: int, *, upcoming: bool, limit: int = 10) -> list[Meeting]:
    """The body's next (or latest past) meetings that the current user may see. A meeting
    counts as upcoming until the end of its day."""
    midnight = local_to_utc(today())
    query = select(Meeting).where(Meeting.body_id == body_id, visible_condition(request))
    if upcoming:
        query = query.where(Meeting.starts_at >= midnight).order_by(Meeting.starts_at)
    else:
        query = query.where(Meeting.starts_at < midnight).order_by(Meeting.starts_at.desc())
    return list(request.dbsession.scalars(query.limit(limit)))


def upcoming_for_member(request, limit: int = 5) -> list[Meeting]:
    """The next meetings of the bodies the current user belongs to (for the desk)."""
    from sw_gremien.security import bodies_in

    body_ids = bodies_in(request.principals)
    if not body_ids:
        return []
    midnight = local_to_utc(today())
    return list(request.dbsession.scalars(
        select(Meeting).where(Meeting.body_id.in_(body_ids), Meeting.starts_at >= midnight,
                              Meeting.state != "cancelled", visible_condition(request))
        .options(selectinload(Meeting.body)).order_by(Meeting.starts_at).limit(limit)
    ))


def visible_condition(request):
    """SQL condition: the meetings the current user may see, from the same per-state view
    roles the ACL uses (workflows/meeting.yaml), plus the public meetings once convened."""
    from sqlalchemy import and_, false, or_, true

    from sw_gremien.security import COMMITTEE_PRINCIPAL, CHAIR_ROLES, bodies_in
    from sw_gremien.workflow.definitions import Role

    user = request.user
    if user is not None and user.is_admin:
        return true()
    principals = set(request.principals)
    role_conditions = {
        Role.COMMITTEE: true() if COMMITTEE_PRINCIPAL in principals else false(),
        Role.BODY_MEMBER: Meeting.body_id.in_(bodies_in(principals)),
        Role.BODY_SECRETARY: Meeting.body_id.in_(bodies_in(principals, (MembershipRole.SECRETARY,))),
        Role.BODY_CHAIR: Meeting.body_id.in_(bodies_in(principals, CHAIR_ROLES)),
    }
    per_state = [
        and_(Meeting.state == state.id, or_(*[role_conditions.get(role, false()) for role in state.view]))
        for state in request.workflows["meeting"].states.values() if state.view
    ]
    return or_(and_(Meeting.public.is_(True), Meeting.convened_at.is_not(None)), *per_state)
