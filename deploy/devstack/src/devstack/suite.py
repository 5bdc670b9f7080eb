"""The whole suite as processes: broker → migrations → five services and the registry's relay, with readiness and
logs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.broker import Broker, PortInUse, port_free
from servicekit.auth import ensure_keypair
from servicekit.db import private_dir

SERVICES: dict[str, int] = {"registry": 8001, "catalog": 8002, "assessment": 8003, "finance": 8004, "indexer": 8005}
# Services whose outbox relay runs as a process of its own (`python -m <service> relay`, servicekit.relayapp), and
# its port. The registry's: a provider's bulk push is its hot path, and the relay in the same event loop took about
# a tenth of it (bench/results.md, 2026-12-05). The others publish little and keep theirs embedded.
RELAYS: dict[str, int] = {"registry-relay": 8101}
PROCESSES: tuple[str, ...] = (*SERVICES, *RELAYS)
# Settings the local suite gives a service unless the environment says otherwise. The registry applies pushed
# batches in two writer processes beside the one serving HTTP (servicekit.writerpool): a provider's push alone
# 15,815–17,125 → 25,626–25,934 records/s at 300,000 on this 2-core machine (bench/results.md, 2026-12-05).
LOCAL_SETTINGS: dict[str, dict[str, str]] = {"registry": {"push_workers": "2"}}


def service_of(process: str) -> str:
    """The service a process belongs to ("registry-relay" → "registry")."""
    return process.removesuffix("-relay")


# Settings of the launcher itself, not passed on to services.
SUITE_ONLY = ("BROKER_", "POSTGRES_URL", "TEST_", "DATABASE_URL")


def env_name(service: str, setting: str) -> str:
    return f"SHUZHUAN_{service.upper()}_{setting.upper()}"


@dataclass
class SuiteConfig:
    """Where things run.  Defaults read from the environment (see README: ports and settings)."""

    var_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    broker_port: int = 9092
    external_bootstrap: str | None = None  # a real Kafka cluster: no embedded broker
    kafka_profile: str = "tansu"
    extra_env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None  # None: stream prefixed logs to stdout

    @classmethod
    def from_env(cls, var_dir: Path) -> SuiteConfig:
        ports = {s: int(os.environ.get(env_name(s, "port"), p)) for s, p in SERVICES.items()}
        ports |= {r: int(os.environ.get(env_name(service_of(r), "relay_port"), p)) for r, p in RELAYS.items()}
        return cls(
            var_dir=var_dir,
            ports=ports,
            broker_port=int(os.environ.get("SHUZHUAN_BROKER_PORT", "9092")),
            external_bootstrap=os.environ.get("SHUZHUAN_KAFKA_BOOTSTRAP_SERVERS") or None,
            kafka_profile=os.environ.get("SHUZHUAN_KAFKA_PROFILE", "tansu"),
        )


@dataclass
class ServiceProcess:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    pump: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Suite:
    """Starts, watches and stops the suite; tests use it to kill and restart single services."""

    def __init__(self, config: SuiteConfig, say: Callable[[str], None] = print) -> None:
        self.config = config
        self.say = say
        self.broker: Broker | None = None
        self.services: dict[str, ServiceProcess] = {}
        self.recoveries = 0  # completed broker recoveries
        private_dir(self.config.var_dir)  # databases, keys and the admin credentials: the owner's only
        if config.log_dir:
            config.log_dir.mkdir(parents=True, exist_ok=True)

    @property
    def bootstrap(self) -> str:
        if self.config.external_bootstrap:
            return self.config.external_bootstrap
        return f"127.0.0.1:{self.config.broker_port}"

    def port(self, name: str) -> int:
        """The port of a service or of a relay process."""
        return self.config.ports.get(name) or {**SERVICES, **RELAYS}[name]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port(name)}"

    def urls(self) -> dict[str, str]:
        """Every service's base URL, by name."""
        return {name: self.url(name) for name in SERVICES}

    def env_for(self, name: str) -> dict[str, str]:
        """The service's environment: its own SHUZHUAN_<SERVICE>_* settings win over suite-wide ones."""
        env = dict(os.environ)
        for key, value in os.environ.items():
            rest = key.removeprefix("SHUZHUAN_")
            if rest == key or rest.split("_")[0].lower() in SERVICES or rest.startswith(SUITE_ONLY):
                continue
            env.setdefault(env_name(name, rest), value)  # SHUZHUAN_LOG_LEVEL → SHUZHUAN_<SVC>_LOG_LEVEL
        pg = os.environ.get("SHUZHUAN_POSTGRES_URL")
        if pg:
            env.setdefault(env_name(name, "database_url"), f"{pg.rstrip('/')}/shuzhuan_{name}")
        relay = f"{name}-relay"
        if relay in RELAYS:  # its relay is a process of its own (start_service), on its own port
            env.setdefault(env_name(name, "relay_embedded"), "false")
            env.setdefault(env_name(name, "relay_port"), str(self.port(relay)))
        defaults = {
            **LOCAL_SETTINGS.get(name, {}),
            "port": str(self.port(name)),
            "kafka_bootstrap_servers": self.bootstrap,
            "kafka_profile": self.config.kafka_profile,
            "var_dir": str(self.config.var_dir),
        }
        if self.config.log_dir is None and sys.stdout.isatty():
            defaults["log_json"] = "false"  # a person reads a terminal; files and production keep JSON lines
        for k, v in defaults.items():
            env.setdefault(env_name(name, k), v)
        env[env_name(name, "port")] = str(self.port(name))
        env.update(self.config.extra_env)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def check_ports(self) -> None:
        if not self.config.external_bootstrap and not port_free(self.config.broker_port):
            raise PortInUse(self.config.broker_port, "Kafka broker", "SHUZHUAN_BROKER_PORT")
        for name in PROCESSES:
            if not port_free(self.port(name)):
                setting = "port" if name in SERVICES else "relay_port"
                raise PortInUse(self.port(name), name, env_name(service_of(name), setting))

    def start(self, timeout: float = 90.0, only: tuple[str, ...] = tuple(SERVICES)) -> None:
        """Broker, keys, migrations, the first admin client, then the services (`only` these) and their relay
        processes."""
        self.check_ports()
        keys = self.config.var_dir / "keys"
        if ensure_keypair(keys / "token-signing.pem", keys / "token-signing.pub.pem"):
            self.say(f"keys        token signing key pair created in {keys}")
        if not self.config.external_bootstrap:
            log = self.config.log_dir / "broker.log" if self.config.log_dir else None
            self.broker = Broker(self.config.broker_port, log_path=log)
            self.say(f"broker      starting Tansu on {self.bootstrap}")
            self.broker.start()
        self.migrate_all(only)
        for line in self.run_everywhere("bootstrap-admin", only=("registry",)).values():
            self.say(f"{'registry':<14} {line}")
        processes = self.processes(only)
        for name in processes:
            self.start_service(name, wait=False)
        for name in processes:
            self.wait_ready(name, timeout)

    def processes(self, only: tuple[str, ...] = tuple(SERVICES)) -> list[str]:
        """The processes of the services `only`: each service, and its relay process unless its relay was asked to run
        inside it (`SHUZHUAN_<SERVICE>_RELAY_EMBEDDED=true`: a second relay would publish every row again)."""
        return [
            p
            for p in PROCESSES
            if service_of(p) in only
            and (p in SERVICES or self.env_for(service_of(p))[env_name(service_of(p), "relay_embedded")] == "false")
        ]

    def run_everywhere(self, *command: str, only: tuple[str, ...] = tuple(SERVICES)) -> dict[str, str]:
        """Run `python -m <service> <command>` for every service in parallel; raise naming any failure."""
        procs = {
            n: subprocess.Popen(
                [sys.executable, "-m", n, *command],
                env=self.env_for(n),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in only
        }
        out: dict[str, str] = {}
        failed: list[str] = []
        for n, p in procs.items():
            stdout, stderr = p.communicate()
            if p.returncode != 0:
                failed.append(f"{n}: `{' '.join(command)}` failed:\n{stderr.strip()[-3000:]}")
            out[n] = stdout.strip()
        if failed:
            raise RuntimeError("\n".join(failed))
        return out

    def migrate_all(self, only: tuple[str, ...] = tuple(SERVICES)) -> None:
        for n, line in self.run_everywhere("migrate", only=only).items():
            self.say(f"{n:<14} {line}")

    def serve_command(self, name: str) -> list[str]:
        """`python -m <name> serve`; under cProfile instead when BENCH_PROFILE names the service (a benchmark of
        the whole suite, e.g. `BENCH_PROFILE=registry bench/e2e.py --freshness`): the profile is written to
        `<temp dir>/shuzhuan-<name>.prof` (benchmarks remove their own folders) when the service is stopped
        (bench/profile_serve.py, bench/README.md)."""
        profiler = Path(__file__).resolve().parents[4] / "bench" / "profile_serve.py"
        if name in os.environ.get("BENCH_PROFILE", "").split(",") and profiler.exists():
            out = Path(tempfile.gettempdir()) / f"shuzhuan-{name}.prof"
            self.say(f"{name:<14} profiled into {out}")
            return [sys.executable, str(profiler), name, str(out)]
        return [sys.executable, "-m", name, "serve"]

    def start_service(self, name: str, *, wait: bool = True, timeout: float = 60.0) -> ServiceProcess:
        """Start a service, or a relay process ("registry-relay")."""
        service = service_of(name)
        command = self.serve_command(name) if name in SERVICES else [sys.executable, "-m", service, "relay"]
        proc = subprocess.Popen(
            command,
            env=self.env_for(service),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        pump = threading.Thread(target=self._pump, args=(name, proc), daemon=True)
        pump.start()
        sp = ServiceProcess(name, self.port(name), proc, pump)
        self.services[name] = sp
        if wait:
            self.wait_ready(name, timeout)
        return sp

    def _pump(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        if self.config.log_dir:
            with open(self.config.log_dir / f"{name}.log", "ab") as f:
                for line in proc.stdout:
                    f.write(line)
                    f.flush()
        else:
            for line in proc.stdout:
                sys.stdout.write(f"{name:<14} | {line.decode(errors='replace')}")
                sys.stdout.flush()

    def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        sp = self.services[name]
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if sp.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {sp.proc.returncode} before it was ready")
            try:
                r = httpx.get(f"{sp.url}/readyz", timeout=5)
                if r.status_code == 200:
                    what = f"docs {sp.url}/docs" if name in SERVICES else "publishes the outbox"
                    self.say(f"{name:<14} ready  {sp.url}   {what}")
                    return
                last = r.text
            except httpx.HTTPError as e:
                last = str(e)
            time.sleep(0.2)
        raise TimeoutError(f"{name} not ready after {timeout}s: {last}")

    def admin_token(self) -> str:
        """A city-authority token, obtained as a client would: credentials file → token endpoint."""
        import json

        creds = json.loads((self.config.var_dir / "city-admin.json").read_text())
        r = httpx.post(
            f"{self.url('registry')}/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(creds["client_id"], creds["client_secret"]),
            timeout=10,
        )
        r.raise_for_status()
        return str(r.json()["access_token"])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        sp = self.services.pop(name)
        sp.proc.send_signal(sig)
        sp.proc.wait(15)
        sp.pump.join(5)

    def stop(self) -> None:
        for sp in self.services.values():
            if sp.proc.poll() is None:
                sp.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for sp in self.services.values():
            try:
                sp.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                sp.proc.kill()
                sp.proc.wait(5)
        self.services.clear()
        if self.broker:
            self.broker.stop()
            self.broker = None

    def replay_all(self) -> None:
        """Re-publish every service's outbox (after the in-memory broker lost its data)."""
        for n, line in self.run_everywhere("replay").items():
            self.say(f"{n:<14} {line}")

    def recover_broker(self) -> None:
        """The embedded broker died: start a fresh one, restart the services, re-publish history."""
        assert self.broker is not None
        self.say("broker      died; starting a fresh one and replaying every outbox")
        self.broker.stop()
        self.broker.start()
        for name in list(self.services):
            self.kill(name, signal.SIGTERM)
        self.replay_all()
        for name in self.processes():
            self.start_service(name, wait=False)
        for name in self.processes():
            self.wait_ready(name)
        self.recoveries += 1
        self.say("broker      recovered: services restarted, history re-published")

    def watch(self, stop: threading.Event) -> None:
        """Until `stop` is set: report services that exit and recover from a broker crash."""
        while not stop.wait(1.0):
            if self.broker and not self.broker.alive():
                self.recover_broker()
            for name, sp in list(self.services.items()):
                if sp.proc.poll() is not None:
                    self.say(f"{name:<14} exited with code {sp.proc.returncode}; restarting it")
                    self.services.pop(name)
                    try:
                        self.start_service(name)
                    except Exception as e:
                        self.say(f"{name:<14} could not be restarted: {e}")
