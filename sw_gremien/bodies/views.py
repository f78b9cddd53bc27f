"""Pages of the bodies: the list, a body's page, and the office's forms."""

from __future__ import annotations


from pyramid.view import view_config

from sw_gremien.bodies import services
from sw_gremien.bodies.forms import BodyEditSchema, BodySchema, MembershipSchema
from sw_gremien.bodies.models import Body, Membership
from sw_gremien.forms import FormView
from sw_gremien.i18n import _, today
from sw_gremien.security import Permissions


@view_config(route_name="bodies", renderer="bodies/list.jinja2", permission=Permissions.PUBLIC)
def body_list(request):
    return {"bodies": services.bodies_with_member_counts(request.dbsession, today())}


@view_config(route_name="body", renderer="bodies/show.jinja2", permission=Permissions.PUBLIC)
def body_show(context, request):
    from sw_gremien.meetings.services import meetings_of_body
    from sw_gremien.proposals.services import body_queue

    current, former = [], []
    if request.can(Permissions.VIEW_BODY_MEMBERS):
        current, former = services.memberships_of(request.dbsession, context.body, today())
    # The consultations ready for this body's next agenda: for its members and the office.
    queue = body_queue(request.dbsession, context.body.id) if request.can(Permissions.VIEW_BODY_CONTACTS) else None
    return {
        "queue": queue,
        "body": context.body,
        "members": current,
        "former_members": former,
        "can_see_members": request.can(Permissions.VIEW_BODY_MEMBERS),
        "can_see_contacts": request.can(Permissions.VIEW_BODY_CONTACTS),
        "can_manage": request.can(Permissions.MANAGE_BODIES),
        "today": today(),
        "upcoming_meetings": meetings_of_body(request, context.body.id, upcoming=True),
        "past_meetings": meetings_of_body(request, context.body.id, upcoming=False),
        "can_plan": request.can(Permissions.MANAGE_MEETINGS),
        "meeting_states": request.workflows["meeting"].states,
    }


BODY_FIELDS = ("short_name", "name", "kind", "rhythm", "description", "has_public_part",
               "notice_period_days", "position")


@view_config(route_name="body_add", renderer="bodies/form.jinja2", permission=Permissions.MANAGE_BODIES)
class BodyAddView(FormView):
    schema = BodySchema
    form_id = "body"

    def page_values(self):
        return {"body": None}

    def save_success(self, appstruct):
        body = Body(slug=services.unique_slug(self.request.dbsession, appstruct["short_name"]))
        for field in BODY_FIELDS:
            setattr(body, field, appstruct[field])
        self.request.dbsession.add(body)
        self.request.dbsession.flush()
        self.flash(_("The body ${name} has been created.", mapping={"name": body.name}))
        return self.redirect("body", slug=body.slug)


@view_config(route_name="body_edit", renderer="bodies/form.jinja2", permission=Permissions.MANAGE_BODIES)
class BodyEditView(FormView):
    schema = BodyEditSchema
    form_id = "body"

    def schema_bindings(self):
        return {"body": self.context.body}

    def appstruct(self):
        body = self.context.body
        values = {field: getattr(body, field) for field in BODY_FIELDS}
        values["active"] = body.active
        return values

    def page_values(self):
        return {"body": self.context.body}

    def save_success(self, appstruct):
        body = self.context.body
        # The slug stays: links and bookmarks to the body's page keep working.
        for field in (*BODY_FIELDS, "active"):
            setattr(body, field, appstruct[field])
        self.flash(_("The body ${name} has been saved.", mapping={"name": body.name}))
        return self.redirect("body", slug=body.slug)


MEMBERSHIP_FIELDS = ("user_id", "role", "voting", "start_date", "end_date", "note")


@view_config(route_name="membership_add", renderer="bodies/membership_form.jinja2",
             permission=Permissions.MANAGE_BODIES)
class MembershipAddView(FormView):
    schema = MembershipSchema
    form_id = "membership"

    def schema_bindings(self):
        return {"body": self.context.body}

    def appstruct(self):
        return {"start_date": today(), "voting": True, "role": "member"}

    def page_values(self):
        return {"body": self.context.body, "membership": None}

    def save_success(self, appstruct):
        membership = Membership(body_id=self.context.body.id)
        for field in MEMBERSHIP_FIELDS:
            setattr(membership, field, appstruct[field])
        self.request.dbsession.add(membership)
        self.request.dbsession.flush()
        self.flash(_("The membership has been added."))
        return self.redirect("body", slug=self.context.body.slug)


@view_config(route_name="membership_edit", renderer="bodies/membership_form.jinja2",
             permission=Permissions.MANAGE_BODIES)
class MembershipEditView(FormView):
    schema = MembershipSchema
    form_id = "membership"

    def schema_bindings(self):
        return {"body": self.context.body, "membership": self.context.membership}

    def appstruct(self):
        return {field: getattr(self.context.membership, field) for field in MEMBERSHIP_FIELDS}

    def page_values(self):
        return {"body": self.context.body, "membership": self.context.membership}

    def save_success(self, appstruct):
        for field in MEMBERSHIP_FIELDS:
            setattr(self.context.membership, field, appstruct[field])
        self.flash(_("The membership has been saved."))
        return self.redirect("body", slug=self.context.body.slug)
