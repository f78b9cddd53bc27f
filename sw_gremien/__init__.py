"""sw_gremien: committee and fund workflows for the Stuttgarter Weg."""

from __future__ import annotations

import os
import warnings

# pyramid and deform import pkg_resources, which warns at every start; the pin to
# setuptools<81 keeps it working, so the warning tells an operator nothing.
warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)

from pyramid.config import Configurator  # noqa: E402

# Settings that a deployment may set from the environment instead of the ini file.
ENVIRONMENT_SETTINGS = {
    "SW_GREMIEN_SECRET": "sw_gremien.secret",
    "SW_GREMIEN_MAIL_HOST": "mail.host",
    "SW_GREMIEN_MAIL_PORT": "mail.port",
    "SW_GREMIEN_MAIL_USERNAME": "mail.username",
    "SW_GREMIEN_MAIL_PASSWORD": "mail.password",
    "SW_GREMIEN_MAIL_SENDER": "mail.default_sender",
    "SW_GREMIEN_PUBLIC_URL": "sw_gremien.public_url",
    "SW_GREMIEN_UPLOAD_DIR": "sw_gremien.upload_dir",
}


def settings_from_environment(settings: dict) -> dict:
    settings = dict(settings)
    for variable, key in ENVIRONMENT_SETTINGS.items():
        if os.environ.get(variable):
            settings[key] = os.environ[variable]
    return settings


def main(global_config, **settings):
    """The paste app factory (``use = egg:sw_gremien``)."""
    settings = settings_from_environment(settings)
    with Configurator(settings=settings) as config:
        config.include(".db")
        config.include(".sessions")
        config.include(".security")
        config.include(".i18n")
        config.include(".rendering")
        config.include(".mail")
        config.include(".headers")
        config.include(".workflow")
        config.include(".routes")
        config.include(".errors")
        config.include(".views")
        config.include(".accounts")
        config.include(".bodies")
        config.include(".documents")
        config.include(".proposals")
        config.include(".meetings")
        config.include(".funding")
        config.scan(".errors")
        config.scan(".views")
        config.scan(".accounts.views")
        config.scan(".bodies.views")
        config.scan(".workflow.views")
        config.scan(".proposals.views")
        config.scan(".notifications.views")
        config.scan(".meetings")
        config.scan(".funding")
    return config.make_wsgi_app()
