"""Deform form plumbing shared by every area: a CSRF-carrying base schema and a small FormView.

A FormView binds its Colander schema to the request and context, renders the form, and on a
POST dispatches to ``<button>_success(appstruct)`` or ``failure(exc)``. A failed validation
re-renders the form with the messages next to the fields and every value the user typed.
"""

from __future__ import annotations

import itertools

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPFound

from sw_gremien.i18n import _


@colander.deferred
def deferred_csrf_token(node, kw):
    return get_csrf_token(kw["request"])


class CSRFSchema(colander.MappingSchema):
    """Pyramid checks the token before any view runs (require_csrf); the form only carries it."""

    csrf_token = colander.SchemaNode(
        colander.String(),
        widget=deform.widget.HiddenWidget(),
        default=deferred_csrf_token,
        missing="",
    )


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


def form_counter(request):
    """One field counter per request, so two forms on one page never share an element id."""
    counter = getattr(request, "_deform_counter", None)
    if counter is None:
        counter = request._deform_counter = itertools.count()
    return counter


def check_posted_version(request, obj, stale_message) -> None:
    """For hand-written forms and buttons, which carry the version they were made from: a
    missing one is a bad request, an older one is refused (409) with ``stale_message``."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise HTTPBadRequest() from None
    if version != obj.version:
        raise HTTPConflict(detail=request.localizer.translate(stale_message))


class FormView:
    schema: type[colander.Schema]
    buttons: tuple = (deform.Button("save", _("Save")),)
    form_id = "form"
    # Deform would put the cursor into the first field of every form, which makes screen
    # readers skip the page's heading; only the login form asks for it.
    focus = "off"

    def __init__(self, context, request):
        self.context = context
        self.request = request

    # Hooks ---------------------------------------------------------------------------------
    def schema_bindings(self) -> dict:
        return {}

    def appstruct(self) -> dict:
        """The values the form starts with."""
        return {}

    def page_values(self) -> dict:
        """Further template values besides the form."""
        return {}

    def failure(self, exc: deform.ValidationFailure):
        return self.render(exc.render())

    # Machinery -----------------------------------------------------------------------------
    def make_form(self) -> deform.Form:
        schema = self.schema().bind(
            request=self.request, context=self.context, **self.schema_bindings()
        )
        translate = self.request.localizer.translate
        buttons = [
            deform.Button(b.name, translate(b.title), type=b.type, css_class=b.css_class)
            for b in self.buttons
        ]
        return deform.Form(schema, buttons=buttons, formid=self.form_id, focus=self.focus,
                           counter=form_counter(self.request))

    def render(self, form_html: str):
        values = {"form": form_html}
        values.update(self.page_values())
        return values

    def __call__(self):
        form = self.make_form()
        if self.request.method == "POST":
            for button in form.buttons:
                if button.name in self.request.POST:
                    try:
                        appstruct = form.validate(self.request.POST.items())
                    except deform.ValidationFailure as exc:
                        self.request.response.status = 422
                        return self.failure(exc)
                    return getattr(self, f"{button.name}_success")(appstruct)
        return self.render(form.render(self.appstruct()))

    def refuse(self, message, appstruct: dict, status: int = 422):
        """The form again, with a message above the fields and the given values: for checks
        that need more than one field (a wrong login, a changed version, a path rule)."""
        self.request.response.status = status
        form = self.make_form()
        form.error = colander.Invalid(form.schema, self.request.localizer.translate(message))
        return self.render(form.render(appstruct))

    def redirect(self, route_name: str, **kw) -> HTTPFound:
        return HTTPFound(self.request.route_path(route_name, **kw))

    def flash(self, message, mapping=None) -> None:
        self.request.session.flash(self.request.localizer.translate(message, mapping=mapping), "success")
