"""The runtime tables every service has in its own database: outbox and inbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table, Text

from servicekit.db import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for a long-lived outbox.
_ID = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class RuntimeTables:
    outbox: Table
    outbox_pending: Table
    inbox: Table
    audit_log: Table
    revoked_clients: Table


def runtime_tables(metadata: MetaData) -> RuntimeTables:
    """Declare the outbox and inbox tables on a service's metadata (its migrations create them)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", _ID, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("event_version", Integer, nullable=False),
        Column("subject", String(200), nullable=False),
        Column("payload", Text, nullable=False),
        Column("traceparent", String(64), nullable=True),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_occurred_at", "occurred_at"),
    )
    # The outbox rows not yet published, by id: a queue the relay reads in id order and deletes from once the
    # broker has acknowledged. Publishing never updates an outbox row (only a failed delivery records its error):
    # an UPDATE of a published-at column cost a new tuple and an entry in each outbox index per row on PostgreSQL.
    outbox_pending = Table(
        "outbox_pending",
        metadata,
        Column("id", _ID, primary_key=True, autoincrement=False),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("consumed_at", UTCDateTime(), nullable=False),
    )
    # Who changed what, when: written in the same transaction as the change it records.
    audit_log = Table(
        "audit_log",
        metadata,
        Column("id", _ID, primary_key=True, autoincrement=True),
        Column("at", UTCDateTime(), nullable=False),
        Column("actor", String(64), nullable=False),
        Column("role", String(16), nullable=False),
        Column("action", String(64), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("detail", Text, nullable=False),
        Index("ix_audit_log_subject", "subject"),
        Index("ix_audit_log_at", "at"),
    )
    # Clients whose tokens are refused (from registry.client.revoked): read into memory, checked per request.
    revoked_clients = Table(
        "revoked_clients",
        metadata,
        Column("client_id", String(40), primary_key=True),
        Column("deactivated", Boolean, nullable=False),
        Column("tokens_issued_before", UTCDateTime(), nullable=False),
        Column("revoked_at", UTCDateTime(), nullable=False),
    )
    return RuntimeTables(
        outbox=outbox,
        outbox_pending=outbox_pending,
        inbox=inbox,
        audit_log=audit_log,
        revoked_clients=revoked_clients,
    )
