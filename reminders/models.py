"""Database models (SQLAlchemy 2, typed). Every instant is a UTCDateTime.

Long on purpose: every table in one module, so the schema reads in one place, as
the migrations that must match it do.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from reminders.clock import utcnow
from reminders.core.statuses import EnrollmentStatus, FlagStatus, MessageStatus
from reminders.core.triage import FlagKind, Priority
from reminders.db import UTCDateTime
from reminders.transports.base import Refusal


def _enum(enum_cls: type[StrEnum]) -> Enum:
    return Enum(enum_cls, native_enum=False, length=16,
                values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy reads a dict)


class ProtocolVersion(Base):
    """The protocol data an enrolment was planned with, stored once per distinct version."""

    __tablename__ = "protocol_versions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    protocol_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    # As given at the latest enrolment. Each enrolment keeps its own (Enrollment.language,
    # .timezone): what its texts were planned, sent and shown with.
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA
    opted_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="patient")


class Enrollment(Base):
    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    protocol_id: Mapped[str] = mapped_column(String(64))
    protocol_digest: Mapped[str] = mapped_column(ForeignKey("protocol_versions.digest"))
    injected_at: Mapped[datetime]
    # The language and zone of this enrolment's texts: it plans, sends, answers and is
    # shown with these, never with the patient row's, so a later enrolment with other
    # details does not rewrite this one's history (an enrolment never changes them).
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA
    side: Mapped[str | None] = mapped_column(String(8))
    diabetic: Mapped[bool] = mapped_column(Boolean, default=False)
    pt_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    baseline_pain: Mapped[int | None]
    # The diagnostic response: the score reported in the anaesthetic window (the reply to
    # the text expecting a pain score) and its relief against the baseline. Shown to
    # staff; no diagnosis is made from it.
    anaesthetic_pain: Mapped[int | None]
    diagnostic_relief_percent: Mapped[float | None] = mapped_column(Double)
    diagnostic_relief_met: Mapped[bool | None] = mapped_column(Boolean)
    consent_by: Mapped[str] = mapped_column(String(128))  # staff who recorded consent
    consent_at: Mapped[datetime]
    consent_text: Mapped[str] = mapped_column(Text)  # the wording shown to the patient
    consent_unencrypted_sms: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus), index=True)
    created_by: Mapped[str] = mapped_column(String(128))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    patient: Mapped[Patient] = relationship(back_populates="enrollments")
    messages: Mapped[list[OutboxMessage]] = relationship(
        back_populates="enrollment", order_by="(OutboxMessage.send_at, OutboxMessage.id)")


class OutboxMessage(Base):
    """One planned text. The only source of truth for what is to be sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "step", name="uq_outbox_enrollment_step"),
        Index("ix_outbox_status_send_at", "status", "send_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a page to a staff member (paging.py): it goes to `to_number`, not a patient
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    to_number: Mapped[str | None] = mapped_column(String(20))  # E.164; pages only
    step: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]  # the step's place in the protocol (ties at one send time)
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int]
    encoding: Mapped[str] = mapped_column(String(8))
    send_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    status: Mapped[MessageStatus] = mapped_column(_enum(MessageStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    expects: Mapped[str | None] = mapped_column(String(16))
    reply_window_seconds: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)  # claims so far; fences each finalise
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]  # when the last claim began: bounds a provider lookup
    provider_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    # A text a staff member wrote (staff_texts.py): who, the flag it answers, and whether
    # they let it go outside the protocol's quiet hours (never outside 08:00-21:00). NULL,
    # NULL, false for a protocol text. The FK is added after both tables exist: flags
    # point at outbox rows too.
    sent_by: Mapped[str | None] = mapped_column(String(128))
    flag_id: Mapped[int | None] = mapped_column(
        ForeignKey("flags.id", use_alter=True, name="fk_outbox_flag_id"))
    quiet_override: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enrollment: Mapped[Enrollment | None] = relationship(back_populates="messages")


class DeliveryEvent(Base):
    """Each provider status callback, once (Twilio retries and repeats them)."""

    __tablename__ = "delivery_events"
    __table_args__ = (UniqueConstraint("message_sid", "status", name="uq_delivery_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]  # the provider's, for people
    refusal: Mapped[Refusal | None] = mapped_column(_enum(Refusal))  # the same, in our words
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class SenderRate(Base):
    """The next free send slot of one sender, shared by every worker process.

    Kept as epoch seconds (UTC) so both databases can do the slot arithmetic in one UPDATE.
    """

    __tablename__ = "sender_rates"

    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_free: Mapped[float] = mapped_column(Double)


class Reply(Base):
    """Every text a patient (or anyone) sent us, stored before anything else is done."""

    __tablename__ = "replies"
    __table_args__ = (
        # the reply sweep's queue: stored, not read, not given up (core/reply_retry.py)
        Index("ix_replies_unread", "next_attempt_at", "id",
              sqlite_where=text("processed_at IS NULL AND gave_up_at IS NULL"),
              postgresql_where=text("processed_at IS NULL AND gave_up_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Twilio retries a webhook it got no answer to: one row per MessageSid.
    message_sid: Mapped[str | None] = mapped_column(Text, unique=True)
    from_number: Mapped[str] = mapped_column(Text)  # as received
    to_number: Mapped[str] = mapped_column(Text)
    # The Body as received. PostgreSQL text cannot hold NUL (no phone sends one): such a
    # character is kept as U+FFFD here, and `raw` keeps the request exactly.
    body: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # the signed form, byte for byte
    received_at: Mapped[datetime]
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    # The reading (reply_parser.Reading), filled in when the reply is processed.
    kind: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[int | None]
    relief: Mapped[str | None] = mapped_column(String(8))
    yes_no: Mapped[str | None] = mapped_column(String(4))
    keyword: Mapped[str | None] = mapped_column(String(8))
    red_flags: Mapped[list | None] = mapped_column(JSON)  # the symptoms reported (concept ids)
    confidence: Mapped[float | None] = mapped_column(Double)
    # Every finding (core.reading.findings.Finding.as_json): what was read, from which words.
    findings: Mapped[list | None] = mapped_column(JSON)
    response_kind: Mapped[str | None] = mapped_column(String(16))  # the answer we sent back
    response_text: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None]  # None: stored, not yet understood (retried)
    # Reading it again (reply_sweep.py): failed attempts so far, when the sweep may try
    # next (None: at once), when it stopped trying and flagged it, and the last error's
    # type (never a message: it could quote the body).
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None]
    gave_up_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))

    question: Mapped[OutboxMessage | None] = relationship()
    corrections: Mapped[list[ReplyCorrection]] = relationship(order_by="ReplyCorrection.id",
                                                              back_populates="reply")
    media: Mapped[list[ReplyMedia]] = relationship(order_by="ReplyMedia.position",
                                                   back_populates="reply")

    @property
    def shown(self) -> str:
        """The body as lists and exports show it: "[photo]" for a picture sent without
        words (read from `kind`, so a list need not load the pictures)."""
        return "[photo]" if self.kind == "photo" and not self.body.strip() else self.body


class ReplyMedia(Base):
    """A picture (or other attachment) that came with a reply: where the provider keeps it
    and the type it declared, stored with the reply. The bytes stay at the provider; staff
    fetch them through an authenticated route that checks the address and the type."""

    __tablename__ = "reply_media"
    __table_args__ = (UniqueConstraint("reply_id", "position", name="uq_reply_media_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"))
    position: Mapped[int]  # N of MediaUrl{N}
    url: Mapped[str] = mapped_column(Text)  # as received; fetched only if it is the provider's
    content_type: Mapped[str] = mapped_column(String(128))  # as declared

    reply: Mapped[Reply] = relationship(back_populates="media")


class HealthCheck(Base):
    """One row per name that /healthz rewrites on every call: the cheap real write that
    tells a database that answers reads but refuses writes (a full disk, a held lock)."""

    __tablename__ = "health_checks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    written_at: Mapped[datetime]


class ReplyCorrection(Base):
    """A staff member's reading of a reply: what it should have raised. Each one is test
    data (`reminders export-replies --labelled`) and a vote on the automatic reading."""

    __tablename__ = "reply_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"), index=True)
    by: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    agrees: Mapped[bool] = mapped_column(Boolean)  # the automatic reading was right
    flags: Mapped[list] = mapped_column(JSON)  # the flag kinds it should have raised
    score: Mapped[int | None]  # the pain score it meant, if any
    relief: Mapped[str | None] = mapped_column(String(16))  # better | same | worse | no_effect
    opt_out: Mapped[bool] = mapped_column(Boolean)  # whether it asked to stop the texts
    note: Mapped[str] = mapped_column(Text, default="")

    reply: Mapped[Reply] = relationship(back_populates="corrections")


flag_replies = Table(
    "flag_replies", Base.metadata,
    Column("flag_id", ForeignKey("flags.id"), primary_key=True),
    Column("reply_id", ForeignKey("replies.id"), primary_key=True, index=True),
)


class Flag(Base):
    """Work for staff. One open flag per kind and enrolment: later causes join it."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("uq_flags_open_kind_enrollment", "kind", "enrollment_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_flags_status_priority", "status", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FlagKind] = mapped_column(_enum(FlagKind))
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus))
    reason: Mapped[str] = mapped_column(Text)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    phone: Mapped[str | None] = mapped_column(Text)  # the sender, when it is no patient of ours
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))  # the first cause
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    acknowledged_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # The staff member it is addressed to (the patient answered their text); NULL: anyone.
    # Everyone still sees it in the queue.
    assigned_to: Mapped[str | None] = mapped_column(String(128))

    enrollment: Mapped[Enrollment | None] = relationship()
    reply: Mapped[Reply | None] = relationship(foreign_keys=[reply_id])
    replies: Mapped[list[Reply]] = relationship(secondary=flag_replies,
                                                order_by="Reply.id")
    page_rounds: Mapped[list[PageRound]] = relationship(order_by="PageRound.round")


class Role(StrEnum):
    STAFF = "staff"  # enrols patients, works flags, sees reports
    ADMIN = "admin"  # also manages accounts and API tokens and reads the audit log


class StaffMember(Base):
    """A person who signs in to the staff pages."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("mobile", name="uq_staff_mobile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # the sign-in name
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, with its parameters
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A generated one-time password must be replaced at the first sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # E.164; where pages go (paging.py). One member per number: a text from it is theirs.
    mobile: Mapped[str | None] = mapped_column(String(20))
    # Kept in the Flask session at sign-in and compared on every request: raising it
    # (sign-out, password change or reset, deactivation) ends every session of the member.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # TOTP second factor (base32, pyotp), or None; the last time step a code was used
    # for, so one code cannot be replayed within its 30 seconds.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)


class ApiToken(Base):
    """A bearer token for another system (EHR, scheduling). Only its SHA-256 is kept:
    the token is 256 random bits, so a slow hash would add nothing."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    last_used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """Every password actually checked at sign-in, and whether it was right (attempts
    the throttle refused are not here: their passwords were never checked)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_name_at", "name", "at"),
                      Index("ix_login_attempts_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  # as typed, lower-cased
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class LoginThrottle(Base):
    """A sign-in throttle counter (login_throttle.py): kind "account" (name), "address"
    (address) or "pair" (name and address: that address failed for that account). One
    row per key, locked while an attempt is admitted, so counting is atomic."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("kind", "name", "address",
                                       name="uq_login_throttles_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(64))  # "" for an address counter
    address: Mapped[str] = mapped_column(String(64))  # "" for an account counter
    failures: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None]  # an address counter's window
    last_failure_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]  # stale rows are pruned


class AuditEntry(Base):
    """Who did what to which patient's record, and when. Written in the same
    transaction as the change it records; never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(128))  # staff name, token name, CLI user
    via: Mapped[str] = mapped_column(String(8))  # web, api, cli
    action: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"))
    detail: Mapped[str] = mapped_column(Text, default="")


class Note(Base):
    """A staff note on an enrolment (a call made, advice given)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    author: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ImportBatch(Base):
    """An uploaded procedure list, kept between its preview and its confirmation (each
    step validates it again: time has passed in between)."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime]
    imported_at: Mapped[datetime | None]  # None: previewed, not (yet) confirmed
    enrolled: Mapped[int | None]  # how many enrolments the confirmation made


class SystemAlert(Base):
    """A refusal every patient gets alike (filtering, the sender, the account): the
    operator must fix it. One open alert per kind; a repeat counts on it. An admin marks
    it fixed."""

    __tablename__ = "system_alerts"
    __table_args__ = (
        Index("uq_system_alerts_open_kind", "kind", unique=True,
              sqlite_where=text("fixed_at IS NULL"), postgresql_where=text("fixed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Refusal] = mapped_column(_enum(Refusal))
    code: Mapped[int | None]  # the provider's last error code, for the operator
    count: Mapped[int]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    fixed_by: Mapped[str | None] = mapped_column(String(128))
    fixed_at: Mapped[datetime | None]


class RotaShift(Base):
    """Who is on call: from `starts_at` to `ends_at` (entered in clinic time, stored in
    UTC), or, with neither, the default for every time no shift covers."""

    __tablename__ = "rota"
    __table_args__ = (
        Index("uq_rota_default", "is_default", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    on_call_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]

    on_call: Mapped[StaffMember] = relationship(foreign_keys=[on_call_id])
    backup: Mapped[StaffMember | None] = relationship(foreign_keys=[backup_id])


class PagedKind(Base):
    """A flag kind an admin chose to page for, besides every urgent flag."""

    __tablename__ = "paged_kinds"

    kind: Mapped[FlagKind] = mapped_column(_enum(FlagKind), primary_key=True)


class PageRound(Base):
    """One round of pages about a flag (core/paging.CHAIN). Unique per flag and round, so
    every worker may run the paging tick and a round is still sent once."""

    __tablename__ = "page_rounds"
    __table_args__ = (UniqueConstraint("flag_id", "round", name="uq_page_rounds_flag_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    round: Mapped[int]
    created_at: Mapped[datetime]
    # The JSON notice to a chat or paging tool (PAGE_WEBHOOK_URL), if one is configured.
    notified_at: Mapped[datetime | None]
    notify_attempts: Mapped[int] = mapped_column(default=0)

    pages: Mapped[list[Page]] = relationship(order_by="Page.id", back_populates="round_")


class Page(Base):
    """One page text to one staff member, sent through the outbox like any text."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("page_rounds.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), unique=True)

    round_: Mapped[PageRound] = relationship(back_populates="pages")
    staff: Mapped[StaffMember] = relationship()
    text: Mapped[OutboxMessage] = relationship()
