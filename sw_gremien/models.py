"""All mapped classes, imported in one place so that mappers, Alembic and tests see the whole
schema. Areas add their models module here."""

from sw_gremien.accounts.models import (  # noqa: F401
    AccountEvent,
    AccountToken,
    LoginAttempt,
    User,
    WebSession,
)
from sw_gremien.bodies.models import Body, Membership  # noqa: F401
from sw_gremien.db import Base
from sw_gremien.workflow.models import WorkflowEvent  # noqa: F401

metadata = Base.metadata
