"""The list of what the system has told the current user."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from sw_gremien.notifications import services
from sw_gremien.security import Permissions


@view_config(route_name="notifications", renderer="notifications/list.jinja2", permission=Permissions.AUTHENTICATED)
def notification_list(request):
    if request.method == "POST":
        services.mark_all_read(request.dbsession, request.user)
        return HTTPFound(request.route_path("notifications"))
    return {"notifications": services.recent(request.dbsession, request.user)}
