"""Every registered view names its permission: a view that forgets one would fall back to the
default permission, which nobody holds; this test makes such an omission visible at once."""

from pyramid.interfaces import IExceptionResponse

from sw_gremien.security import Permissions


def _is_exception_view(view) -> bool:
    context = view["context"]
    return bool(view["exception_only"]) or context is IExceptionResponse or (
        isinstance(context, type) and issubclass(context, BaseException)
    )


def _route_views(app):
    for entry in app.registry.introspector.get_category("views"):
        view = entry["introspectable"]
        if _is_exception_view(view):
            continue
        permissions = [r.discriminator for r in entry["related"] if r.category_name == "permissions"]
        yield view, permissions


def test_every_view_declares_a_known_permission(app):
    grantable = {str(p) for p in Permissions} - {str(Permissions.DENY_BY_DEFAULT)}
    offenders = []
    for view, permissions in _route_views(app):
        name = view["route_name"] or view["name"]
        if not permissions:
            offenders.append(f"{name}: no permission")
        elif any(str(p) not in grantable for p in permissions):
            offenders.append(f"{name}: unknown permission {permissions}")
    assert not offenders, "views without a declared, known permission:\n" + "\n".join(offenders)


def test_the_walk_sees_the_views(app):
    route_names = {view["route_name"] for view, _ in _route_views(app)}
    assert {"home", "login", "logout", "bodies", "body", "admin_users", "admin_user_edit"} <= route_names


def test_a_view_without_permission_is_denied(app_settings, engine, connection_holder, dbsession):
    """The default permission really denies: register a view without one and call it."""
    import webtest
    from pyramid.config import Configurator

    from sw_gremien import main

    settings = {**app_settings, "sw_gremien.dbsession_factory": connection_holder.session_factory}
    wsgi = main({}, **settings)
    config = Configurator(registry=wsgi.registry)
    config.add_route("forgotten", "/vergessen")
    config.add_view(lambda request: request.response, route_name="forgotten")
    config.commit()
    response = webtest.TestApp(wsgi).get("/vergessen", status=302)
    assert "/login" in response.location


def test_default_permission_is_the_one_nobody_holds(app):
    from pyramid.interfaces import IDefaultPermission

    assert app.registry.getUtility(IDefaultPermission) == Permissions.DENY_BY_DEFAULT
