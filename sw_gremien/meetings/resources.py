"""Route factories for meeting pages: the ACL comes from the meeting's workflow state, plus
the public's right to read the public part of a public meeting once it is convened."""

from __future__ import annotations

from pyramid.authorization import Allow, Everyone
from pyramid.httpexceptions import HTTPNotFound

from sw_gremien.db import get_by_id
from sw_gremien.meetings.models import AgendaItem, Meeting
from sw_gremien.security import ADMIN_PRINCIPAL, Permissions, Root, body_principal
from sw_gremien.workflow.engine import workflow_acl


def details_readers(meeting: Meeting) -> list[str]:
    """Who sees all of a meeting: the members of its body and the office. The one rule for
    the meeting page, the minutes, the PDFs, the calendars and the proposal page."""
    return [body_principal(meeting.body_id), ADMIN_PRINCIPAL]


def sees_everything(request, meeting: Meeting) -> bool:
    return bool(set(details_readers(meeting)) & set(request.principals))


class MeetingResource:
    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.meeting = get_by_id(request.dbsession, Meeting, request.matchdict["meeting_id"])
        if self.meeting is None:
            raise HTTPNotFound()
        self.object = self.meeting

    @property
    def __acl__(self):
        meeting = self.meeting
        acl = workflow_acl(meeting, self.request.workflows.for_object(meeting))
        # Whoever may view the meeting may view (at least) its public part.
        acl += [(Allow, principal, Permissions.VIEW_MEETING)
                for _allow, principal, permission in list(acl) if permission == Permissions.VIEW_OBJECT]
        if meeting.public and meeting.convened_at is not None:
            acl.append((Allow, Everyone, Permissions.VIEW_MEETING))
        # Members of other bodies see that a meeting takes place (the "committee" role of the
        # workflow), the body itself and the office everything in it.
        acl += [(Allow, principal, Permissions.VIEW_MEETING_DETAILS) for principal in details_readers(meeting)]
        if meeting.state == "minutes_approved":
            acl += [(Allow, body_principal(meeting.body_id, "secretary"), Permissions.CORRECT_MINUTES),
                    (Allow, ADMIN_PRINCIPAL, Permissions.CORRECT_MINUTES)]
        return acl


class AgendaItemResource(MeetingResource):
    def __init__(self, request):
        super().__init__(request)
        item = get_by_id(request.dbsession, AgendaItem, request.matchdict["item_id"])
        if item is None or item.meeting_id != self.meeting.id:
            raise HTTPNotFound()
        self.item = item
