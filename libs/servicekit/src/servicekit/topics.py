"""Every topic the contracts declare, for a deployment: created on a cluster (the compose job), or written as
Strimzi `KafkaTopic` resources (deploy/k8s), so no deployment file copies a topic by hand.

    python -m servicekit.topics create --bootstrap kafka:9092 [--replication-factor 3 --min-insync-replicas 2]
    python -m servicekit.topics kafkatopics [--cluster shuzhuan --replication-factor 3 --partitions-scale 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import yaml

from contracts.topics import TOPICS
from servicekit.kafka import ensure_topics

RETENTION_MS = {"events": 30 * 24 * 3600 * 1000, "dlq": 90 * 24 * 3600 * 1000}  # 30 days; dead letters 90


def declared(partitions_scale: int = 1) -> list[tuple[str, int, str]]:
    """(name, partitions, kind) of every contract topic and its dead-letter topic."""
    out = []
    for t in TOPICS:
        out.append((t.name, t.partitions * partitions_scale, "events"))
        out.append((t.dlq, 1, "dlq"))
    return out


def kafka_topics(cluster: str, replication_factor: int, min_insync: int, partitions_scale: int) -> list[dict[str, Any]]:
    """Strimzi KafkaTopic resources (kafka.strimzi.io/v1beta2) for every declared topic."""
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {"name": name.replace(".", "-"), "labels": {"strimzi.io/cluster": cluster}},
            "spec": {
                "topicName": name,
                "partitions": partitions,
                "replicas": replication_factor,
                "config": {"min.insync.replicas": str(min_insync), "retention.ms": str(RETENTION_MS[kind])},
            },
        }
        for name, partitions, kind in declared(partitions_scale)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicekit.topics", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create the missing topics on a cluster")
    create.add_argument("--bootstrap", required=True)
    kt = sub.add_parser("kafkatopics", help="print Strimzi KafkaTopic resources (YAML)")
    kt.add_argument("--cluster", default="shuzhuan")
    for p in (create, kt):
        p.add_argument("--replication-factor", type=int, default=1)
        p.add_argument("--min-insync-replicas", type=int, default=1)
        p.add_argument("--partitions-scale", type=int, default=1, help="multiply the declared partition counts")
    args = parser.parse_args(argv)
    if args.min_insync_replicas > args.replication_factor:
        parser.error("--min-insync-replicas cannot exceed --replication-factor")
    if args.command == "kafkatopics":
        resources = kafka_topics(args.cluster, args.replication_factor, args.min_insync_replicas, args.partitions_scale)
        sys.stdout.write(yaml.safe_dump_all(resources, sort_keys=False, allow_unicode=True))
        return 0
    for kind in ("events", "dlq"):
        wanted = [(n, p) for n, p, k in declared(args.partitions_scale) if k == kind]
        configs = {"min.insync.replicas": str(args.min_insync_replicas), "retention.ms": str(RETENTION_MS[kind])}
        made = asyncio.run(
            ensure_topics(args.bootstrap, wanted, replication_factor=args.replication_factor, configs=configs)
        )
        print(f"{kind}: {len(made)} created, {len(wanted) - len(made)} present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
