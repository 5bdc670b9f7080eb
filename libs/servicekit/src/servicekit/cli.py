"""The command every service has: serve, relay, migrate, replay, rebuild, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from sqlalchemy import delete

from servicekit.app import ServiceSpec, create_app
from servicekit.db import make_engine
from servicekit.kafka import consumer_config
from servicekit.migrations import upgrade
from servicekit.relay import mark_for_replay
from servicekit.relayapp import create_relay_app
from servicekit.settings import ServiceSettings


def _since(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"--since wants an ISO 8601 time such as 2026-11-01T00:00:00Z: {e}") from e
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


async def _replay(spec: ServiceSpec, settings: ServiceSettings, since: datetime | None) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        return await mark_for_replay(engine, spec.tables, since)
    finally:
        await engine.dispose()


async def rebuild_read_models(spec: ServiceSpec, settings: ServiceSettings) -> str:
    """Empty the read models and inbox and rewind the group to the start of every partition."""
    engine = make_engine(settings.effective_database_url)
    try:
        async with engine.begin() as conn:
            for table in [*spec.read_model_tables, spec.tables.inbox]:
                await conn.execute(delete(table))
    finally:
        await engine.dispose()
    topics = {s.event.TOPIC for s in spec.all_subscriptions()}
    if not topics:
        return "no subscriptions: nothing to rewind"
    names = [settings.topic(t.name) for t in topics]
    consumer = AIOKafkaConsumer(*names, **consumer_config(settings, settings.group_id))
    await consumer.start()
    try:
        # Join as a real member (a broker may refuse commits from outside the group), take every partition.
        async with asyncio.timeout(60):
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=200)
        assigned = consumer.assignment()
        everything = {TopicPartition(settings.topic(t.name), p) for t in topics for p in range(t.partitions)}
        if assigned != everything:
            raise SystemExit(
                f"{spec.name} is still consuming (group {settings.group_id} has other members): stop it first"
            )
        await consumer.commit({tp: OffsetAndMetadata(0, "") for tp in assigned})
    finally:
        await consumer.stop()
    return f"group {settings.group_id} rewound on {len(topics)} topic(s)"


def main(spec: ServiceSpec, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {spec.name}", description=spec.description)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the HTTP API, consumers and (unless relay_embedded=false) the outbox relay")
    sub.add_parser("relay", help="run the outbox relay alone, one per database (servicekit.relayapp)")
    sub.add_parser("migrate", help="bring the database schema to the newest migration")
    rp = sub.add_parser("replay", help="re-publish outbox history (all, or --since a time)")
    rp.add_argument("--since", type=_since, default=None)
    sub.add_parser("rebuild", help="empty read models and re-consume everything (service must be stopped)")
    sub.add_parser("openapi", help="print the OpenAPI document")
    for name, (help_text, _) in spec.commands.items():
        extra = sub.add_parser(name, help=help_text, add_help=False)
        extra.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    settings = spec.settings_cls()
    if args.command in spec.commands:
        return spec.commands[args.command][1](settings, args.args)

    if args.command in ("serve", "relay"):
        import uvicorn

        serving = args.command == "serve"
        uvicorn.run(
            create_app(spec, settings) if serving else create_relay_app(spec, settings),
            host=settings.host,
            port=settings.port if serving else settings.effective_relay_port,
            log_config=None,
            access_log=False,
            timeout_keep_alive=int(settings.keep_alive_s),
        )
    elif args.command == "migrate":
        upgrade(spec.migrations_dir, settings.effective_database_url)
        print(f"{spec.name}: database at head ({settings.effective_database_url.split('@')[-1]})")
    elif args.command == "replay":
        n = asyncio.run(_replay(spec, settings, args.since))
        print(f"{spec.name}: {n} outbox event(s) marked for re-publication; the running relay sends them")
    elif args.command == "rebuild":
        print(f"{spec.name}: {asyncio.run(rebuild_read_models(spec, settings))}")
    elif args.command == "openapi":
        json.dump(create_app(spec, settings).openapi(), sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        print()
    return 0
