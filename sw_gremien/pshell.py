"""``pshell development.ini``: a shell with ``dbsession`` and the models at hand."""

from sw_gremien import models


def setup(env):
    request = env["request"]
    request.tm.begin()
    env["tm"] = request.tm
    env["dbsession"] = request.dbsession
    env["models"] = models
