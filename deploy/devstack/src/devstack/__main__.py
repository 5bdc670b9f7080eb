"""`python -m devstack run | test-env | openapi`."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading

from devstack.broker import PortInUse
from devstack.suite import SERVICES, Suite, SuiteConfig
from servicekit.settings import project_root


def run() -> int:
    root = project_root()
    suite = Suite(SuiteConfig.from_env(root / "var"))
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        suite.start()
    except PortInUse as e:
        print(f"error: {e}", file=sys.stderr)
        suite.stop()
        return 2
    except Exception as e:
        print(f"error: could not start the suite: {e}", file=sys.stderr)
        suite.stop()
        return 1
    print(f"shuzhuan is up (broker {suite.bootstrap}); data in {root / 'var'}. Ctrl-C stops everything.", flush=True)
    try:
        suite.watch(stop)
    finally:
        print("stopping…", flush=True)
        suite.stop()
        print("stopped.", flush=True)
    return 0


def test_env() -> int:
    """Say what the tests will use, and fail loudly when a required part is missing."""
    from devstack.postgres import find_or_start_postgres

    try:
        url = asyncio.run(find_or_start_postgres(project_root() / "var"))
    except Exception as e:
        print(f"error: PostgreSQL is needed by the integration tests and is not available: {e}", file=sys.stderr)
        return 1
    from devstack.broker import broker_binary

    print(f"test environment: PostgreSQL at {url.split('@')[-1]}, broker binary {broker_binary()}")
    return 0


def openapi() -> int:
    """Write each service's OpenAPI document to contracts/schemas/openapi/<service>.json."""
    import importlib

    out = project_root() / "contracts" / "schemas" / "openapi"
    out.mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        spec = importlib.import_module(f"{name}.main").spec
        from servicekit.app import create_app

        doc = create_app(spec, spec.settings_cls(log_json=False)).openapi()
        (out / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        print(f"wrote {out / (name + '.json')}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "test-env", "openapi"])
    args = parser.parse_args()
    return {"run": run, "test-env": test_env, "openapi": openapi}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
