"""German (and English) error pages: 400, 403, 404, 409 and 500.

An anonymous visitor who lacks a permission is sent to the login with a way back; a logged-in
user gets the 403 page. The 500 page shows an error id that is also in the log, never a trace.
"""

from __future__ import annotations

import logging
import uuid

from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from sqlalchemy.orm.exc import StaleDataError

log = logging.getLogger(__name__)


@forbidden_view_config(renderer="errors/403.jinja2")
def forbidden(exc, request):
    if request.user is None:
        return HTTPFound(request.route_path("login", _query={"came_from": request.path_qs}))
    request.response.status = 403
    return {}


@notfound_view_config(renderer="errors/404.jinja2")
def not_found(exc, request):
    request.response.status = 404
    return {}


@exception_view_config(HTTPBadRequest, renderer="errors/400.jinja2")
def bad_request(exc, request):
    request.response.status = 400
    return {"detail": None}


@exception_view_config(HTTPConflict, renderer="errors/409.jinja2")
def conflict(exc, request):
    request.response.status = 409
    return {"detail": exc.detail}


def stale_data(exc, request):
    """Two writers raced on one row and the version check stopped the second. pyramid_retry
    tries the request again first (the form's own version check then answers); if it still
    fails, the same "changed meanwhile" answer as a stale form, never a 500."""
    request.response.status = 409
    return {"detail": None}


def server_error(exc, request):
    error_id = uuid.uuid4().hex[:12]
    log.error("error %s on %s %s", error_id, request.method, request.path_qs, exc_info=exc)
    request.response.status = 500
    return {"error_id": error_id}


def includeme(config):
    # Only the last attempt renders the 500 page: earlier ones let pyramid_retry try again
    # when the error is retryable (a serialization failure on PostgreSQL, say).
    for predicates in ({"last_retry_attempt": True}, {"retryable_error": False}):
        config.add_exception_view(
            server_error, context=Exception, renderer="errors/500.jinja2", **predicates
        )
        config.add_exception_view(
            stale_data, context=StaleDataError, renderer="errors/409.jinja2", **predicates
        )


__all__ = ["HTTPForbidden", "HTTPNotFound"]
