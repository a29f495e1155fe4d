"""The phases of the transition benchmark: (a) committed per second, (b) latency to
task start, (c) committed and done per second, and an optional profile pass. Each
measures Hogatar side by side with its baselines, alternating rounds; ``Bench`` is
all of them over one harness (``harness``, ``throughput``, ``latency``,
``end_to_end``), the profile pass is here."""

from __future__ import annotations

from bench.transitions.clients import client_main
from bench.transitions.common import CLIENTS, wait_for
from bench.transitions.end_to_end import EndToEnd
from bench.transitions.latency import Latency
from bench.transitions.report import (
    CLIENT_ROOT,
    CLIENT_WATCH,
    WORKER_ROOT,
    WORKER_WATCH,
    summarise_pstats,
)
from bench.transitions.throughput import Throughput


class Bench(Throughput, Latency, EndToEnd):
    def profile_pass(self) -> None:
        say = self.out.say
        per_client = self.plan.batch // CLIENTS
        self.phase(
            "(profile) cProfile with a CPU-time clock during one more Hogatar batch of (c):"
            " client 0 of 4 (whole handle() calls) and the worker's pool processes (task"
            " bodies). Profiling slows what it watches: shares matter here, not milliseconds;"
            " the figures above come from unprofiled runs."
        )
        folder = self.work / "profiles"
        folder.mkdir()
        self.workers.pop("hogatar").stop()
        self.start_hogatar_worker(HOGATAR_BENCH_PROFILE_DIR=str(folder)).wait_ready()
        client_path = folder / "client.pstats"
        watermark = self.outbox_watermark()
        clients = self.group(
            client_main,
            lambda i: (
                i, self.var_dir, self.plan.cases_per_client, None, per_client, 1,
                str(client_path) if i == 0 else None,
            ),
        )  # fmt: skip
        clients.ready()
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "warm-up effects")
        (folder / "on").touch()
        self.hogatar_round(clients)
        clients.close()
        self.workers.pop("hogatar").stop()  # pool processes write their profiles at exit
        profiles: dict[str, list[str]] = {}
        if client_path.exists():
            profiles["client"] = summarise_pstats([client_path], CLIENT_ROOT, CLIENT_WATCH)
        worker_paths = sorted(folder.glob("worker-*.pstats"))
        if worker_paths:
            profiles["worker"] = summarise_pstats(worker_paths, WORKER_ROOT, WORKER_WATCH)
        for name, lines in profiles.items():
            say(f"  {name}:")
            for line in lines:
                say("    " + line)
        self.out.figures["profile"] = profiles
