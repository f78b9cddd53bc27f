"""The history of every workflow object, and the columns every governed object carries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from sw_gremien.accounts.models import User
from sw_gremien.db import Base, UTCDateTime, utcnow


class WorkflowEvent(Base):
    """One fired transition. Append-only: the audit trail and the timeline users see."""

    __tablename__ = "workflow_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    workflow: Mapped[str] = mapped_column(String(40))
    transition: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_workflow_events_object", "object_type", "object_id", "id"),)


@event.listens_for(WorkflowEvent, "before_update")
@event.listens_for(WorkflowEvent, "before_delete")
def _history_is_append_only(mapper, connection, target):
    raise RuntimeError("workflow history is append-only")


class WorkflowMixin:
    """For models governed by a workflow: the state, and a version that SQLAlchemy checks on
    every UPDATE (``WHERE version = <the version read>``), so two concurrent changes cannot
    both win. Subclasses set ``__workflow__`` and implement ``workflow_principals``."""

    __workflow__: str

    state: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    @classmethod
    def workflow_object_type(cls) -> str:
        return cls.__tablename__

    def workflow_principals(self) -> dict[str, list[str]]:
        """The principals behind the object's own roles (author, body_*, applicant)."""
        raise NotImplementedError
