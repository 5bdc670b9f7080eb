"""`python bench/profile_serve.py <service> <out.prof>`: `python -m <service> serve` under cProfile, the profile
written when the process is told to stop (SIGTERM). bench/served.py runs services this way when BENCH_PROFILE is
set; read the result with `python -m pstats <out.prof>` (sort tottime, stats 40)."""

from __future__ import annotations

import cProfile
import os
import runpy
import signal
import sys
from typing import Any

import uvicorn.server


def main() -> None:
    service, out = sys.argv[1], sys.argv[2]
    sys.argv = [service, "serve"]
    profile = cProfile.Profile()

    def stop(*_: Any) -> None:
        profile.disable()
        profile.dump_stats(out)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    uvicorn.server.HANDLED_SIGNALS = ()  # type: ignore[assignment]  # SIGTERM writes the profile instead
    profile.enable()
    runpy.run_module(service, run_name="__main__")


if __name__ == "__main__":
    main()
