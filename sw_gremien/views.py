"""The start page and the language switch."""

from __future__ import annotations


from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from sw_gremien.accounts.views import safe_came_from
from sw_gremien.bodies import services as body_services
from sw_gremien.i18n import AVAILABLE_LOCALES, set_locale_cookie, today
from sw_gremien.security import Permissions


@view_config(route_name="home", renderer="home.jinja2", permission=Permissions.PUBLIC)
def home(request):
    return {"bodies": body_services.bodies_with_member_counts(request.dbsession, today())}


@view_config(route_name="set_language", permission=Permissions.PUBLIC)
def set_language(request):
    """A plain link switches the language. It only sets a cookie, so this GET changes no data;
    the language kept in a user's account (for their mails) is set on the account page."""
    locale = request.matchdict["locale"]
    response = HTTPFound(safe_came_from(request.params.get("came_from"), request))
    if locale in AVAILABLE_LOCALES:
        set_locale_cookie(request, response, locale)
    return response


def includeme(config):
    pass
