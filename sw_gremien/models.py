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
from sw_gremien.documents.models import Attachment  # noqa: F401
from sw_gremien.funding.models import (  # noqa: F401
    CostLine,
    Fund,
    FundApplication,
    FundYear,
    GrantListEntry,
    LedgerEntry,
    Organisation,
    OrganisationContact,
    ProofReminder,
)
from sw_gremien.meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    CalendarToken,
    Meeting,
    MinutesCorrection,
)
from sw_gremien.notifications.models import Notification  # noqa: F401
from sw_gremien.proposals.models import (  # noqa: F401
    Consultation,
    Proposal,
    ProposalAuthor,
    ProposalDistrict,
    ProposalType,
    ProposalTypeStep,
    ReferenceCounter,
)
from sw_gremien.workflow.models import WorkflowEvent  # noqa: F401

metadata = Base.metadata
