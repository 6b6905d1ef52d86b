"""Panel meetings: who sits on the panel and who came, the agenda of ranked bids with the pack frozen for each,
the conflicts declared, and the append-only log of the panel's decisions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.rounds.models import Round


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # set up; the agenda and pack can still change
    IN_PROGRESS = "in_progress"  # the chair has recorded attendance; decisions can be recorded
    MINUTES_CONFIRMED = "minutes_confirmed"  # every item decided and the minutes agreed; the log is closed
    PUBLISHED = "published"  # each group has been sent its outcome

    @property
    def label(self) -> str:
        return {
            "scheduled": "Scheduled",
            "in_progress": "In progress",
            "minutes_confirmed": "Minutes confirmed",
            "published": "Outcomes published",
        }[self.value]


class PanelRole(enum.StrEnum):
    """The capacity in which someone sits on the panel, as a panel's terms of reference name them: a quorum
    may need at least one of some of them."""

    ELECTED_MEMBER = "elected_member"
    COMMUNITY = "community"
    OFFICER = "officer"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return {
            "elected_member": "Elected member",
            "community": "Community representative",
            "officer": "Council officer",
            "partner": "Partner organisation",
        }[self.value]


class PanelMeeting(db.Model):  # type: ignore[name-defined]
    __tablename__ = "panel_meetings"
    __table_args__ = (CheckConstraint("quorum >= 1", name="quorum_at_least_one"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Records the items on which the chair is conflicted, or all of them when the chair is away.
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The quorum: this many members (or their delegates) present and free of conflict on the item ...
    quorum: Mapped[int] = mapped_column(default=3)
    # ... including at least one in each of these capacities (PanelRole values).
    quorum_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Whether the terms of reference let an absent member send a delegate, who then counts in their place.
    delegates_allowed: Mapped[bool] = mapped_column(default=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    items: Mapped[list[PanelItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PanelItem.position, PanelItem.id"
    )

    def member(self, user_id: int) -> PanelMember | None:
        return next((member for member in self.members if member.user_id == user_id), None)

    @property
    def people_ids(self) -> set[int]:
        """The members of the panel and the delegates recorded for them."""
        return {member.user_id for member in self.members} | {
            member.delegate_id for member in self.members if member.delegate_id is not None
        }

    def takes_part(self, user_id: int) -> bool:
        """Who may read this meeting's pack."""
        return user_id in self.people_ids

    @property
    def quorum_role_labels(self) -> list[str]:
        return [PanelRole(role).label for role in self.quorum_roles]

    @property
    def open_for_decisions(self) -> bool:
        return self.status is MeetingStatus.IN_PROGRESS


class Attendance(enum.StrEnum):
    NOT_RECORDED = "not_recorded"
    PRESENT = "present"
    APOLOGIES = "apologies"
    DELEGATE = "delegate"  # apologies, with a named delegate attending in their place

    @property
    def label(self) -> str:
        return {
            "not_recorded": "Not recorded",
            "present": "Present",
            "apologies": "Apologies",
            "delegate": "Apologies: delegate attending",
        }[self.value]


class PanelMember(db.Model):  # type: ignore[name-defined]
    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[PanelRole] = mapped_column(enum_column(PanelRole))
    attendance: Mapped[Attendance] = mapped_column(enum_column(Attendance), default=Attendance.NOT_RECORDED)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    delegate: Mapped[User | None] = relationship(foreign_keys=[delegate_id])

    @property
    def attendee(self) -> User | None:
        """Who is in the room for this seat."""
        if self.attendance is Attendance.PRESENT:
            return self.user
        if self.attendance is Attendance.DELEGATE:
            return self.delegate
        return None


class PanelItem(db.Model):  # type: ignore[name-defined]
    """A bid on a meeting's agenda, with its part of the pack as it stood when it was added: the scores are
    frozen by then (a bid at panel cannot be moderated), so the pack is the one the members read."""

    __tablename__ = "panel_items"
    __table_args__ = (UniqueConstraint("meeting_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int]
    # Where the bid came from, so taking it off the agenda puts it back.
    previous_status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))
    pack: Mapped[dict[str, Any]] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()
    conflicts: Mapped[list[PanelConflict]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="PanelConflict.id"
    )

    def conflicted(self, user_id: int) -> bool:
        """Whether this person must not see or take part in the item: a conflict declared or found, or
        membership of the applying group."""
        return any(conflict.user_id == user_id for conflict in self.conflicts) or (
            self.application.organisation.has_member(user_id)
        )


class PanelConflict(db.Model):  # type: ignore[name-defined]
    __tablename__ = "panel_conflicts"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("panel_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[PanelItem] = relationship(back_populates="conflicts")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    APPROVED_REDUCED = "approved_reduced"
    DECLINED = "declined"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        return {
            "approved": "Approve",
            "approved_with_conditions": "Approve with conditions",
            "approved_reduced": "Approve a reduced amount",
            "declined": "Decline",
            "deferred": "Defer",
        }[self.value]

    @property
    def recorded(self) -> str:
        """As the log and the group's letter put it."""
        return {
            "approved": "Approved",
            "approved_with_conditions": "Approved with conditions",
            "approved_reduced": "Approved a reduced amount",
            "declined": "Declined",
            "deferred": "Deferred",
        }[self.value]

    @property
    def approves(self) -> bool:
        return self in APPROVALS

    @property
    def status(self) -> ApplicationStatus:
        """What the bid becomes when the outcome is published."""
        if self.approves:
            return ApplicationStatus.APPROVED
        return ApplicationStatus.DECLINED if self is Outcome.DECLINED else ApplicationStatus.DEFERRED


APPROVALS = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS, Outcome.APPROVED_REDUCED})


class PanelDecision(db.Model):  # type: ignore[name-defined]
    """One entry in the decisions log. The database refuses to change or delete an entry: a correction is a
    new entry naming the one it corrects, with the reason. An item's decision is its entry nobody corrected."""

    __tablename__ = "panel_decisions"
    __table_args__ = (
        CheckConstraint(
            "(outcome IN ('approved', 'approved_with_conditions', 'approved_reduced') AND amount_pence > 0)"
            " OR (outcome IN ('declined', 'deferred') AND amount_pence IS NULL)",
            name="amount_only_for_approvals",
        ),
        CheckConstraint(
            "(corrects_id IS NULL AND correction_reason IS NULL)"
            " OR (corrects_id IS NOT NULL AND correction_reason IS NOT NULL)",
            name="corrections_give_a_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("panel_items.id"), index=True)
    # Kept here too so the round's committed total is one indexed sum.
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    conditions: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str] = mapped_column(Text, default="")  # written for the group
    # Who took part in the decision: [{"id", "name"}]; the conflicted are not among them.
    taking_part: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Each entry can be corrected once; a correction can itself be corrected.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("panel_decisions.id"), unique=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)

    item: Mapped[PanelItem] = relationship()
    application: Mapped[Application] = relationship()
    recorded_by: Mapped[User] = relationship()
    corrects: Mapped[PanelDecision | None] = relationship(remote_side=[id])
