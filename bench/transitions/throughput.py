"""(a) Transitions committed per second by the client processes, against the
hand-written floor and pgbench on the same server, in alternating rounds."""

from __future__ import annotations

import statistics
from typing import Any

from bench.transitions.baselines import floor_main, init_pgbench, pgbench
from bench.transitions.clients import client_main
from bench.transitions.common import CLIENTS, REDIS_DB, TARGETS, checkpoint, verdict
from bench.transitions.harness import Harness


class Throughput(Harness):
    def throughput(self) -> None:
        say = self.out.say
        plan = self.plan
        self.phase(
            f"(a) committed/s with {CLIENTS} clients; pgbench, the floor and Hogatar alternate,"
            f" {plan.rounds_a} rounds of {plan.seconds:.0f} s each side; no worker runs"
        )
        clients = self.group(  # they start up while pgbench initialises its tables
            client_main,
            lambda i: (
                i, self.var_dir, plan.cases_per_client, plan.seconds, None, plan.rounds_a, None,
            ),
        )  # fmt: skip
        floor = self.group(
            floor_main,
            lambda i: (i, self.var_dir, plan.cases_per_client, plan.seconds, None, plan.rounds_a),
        )
        init_pgbench()
        checkpoint()
        clients.ready()
        floor.ready()
        rounds = []

        def rate(items: list[dict[str, Any]]) -> float:
            elapsed = max(i["ended"] for i in items) - min(i["started"] for i in items)
            return sum(i["transitions"] for i in items) / elapsed

        for round_no in range(plan.rounds_a):
            checkpoint()
            pgbench_tps = pgbench(plan.seconds)
            checkpoint()
            floor_items = floor.round(timeout=plan.seconds + 120)
            checkpoint()
            relay_cpu = self.relay_cpu_seconds()
            items = clients.round(timeout=plan.seconds + 120)
            # The relay process publishes for the clients: its CPU is theirs.
            items[0]["cpu_seconds"] += self.relay_cpu_seconds() - relay_cpu
            figures = {
                "pgbench_tps": pgbench_tps,
                "floor_tps": rate(floor_items),
                "hogatar_tps": rate(items),
                "floor_cpu_ms": 1000
                * sum(i["cpu_seconds"] for i in floor_items)
                / sum(i["transitions"] for i in floor_items),
            }
            rounds.append(figures | {"items": items})
            say(
                f"    round {round_no + 1}: pgbench {pgbench_tps:7.1f} tps, floor"
                f" {figures['floor_tps']:6.1f}/s, Hogatar {figures['hogatar_tps']:6.1f}"
                f" transitions/s; Hogatar/floor {figures['hogatar_tps'] / figures['floor_tps']:.3f}"
            )
        clients.close()
        floor.close()
        pgbench_tps = statistics.median(r["pgbench_tps"] for r in rounds)
        floor_tps = statistics.median(r["floor_tps"] for r in rounds)
        hogatar_tps = statistics.median(r["hogatar_tps"] for r in rounds)
        ratio = statistics.median(r["hogatar_tps"] / r["floor_tps"] for r in rounds)
        pg_ratio = statistics.median(r["hogatar_tps"] / r["pgbench_tps"] for r in rounds)
        met = ratio >= TARGETS["throughput"]
        say(f"    pgbench -N -c 4 -j 2 (median):  {pgbench_tps:9.1f} tps")
        say(f"    hand-written floor (median):    {floor_tps:9.1f} transitions/s")
        say(f"    Hogatar start/finish (median):  {hogatar_tps:9.1f} transitions/s")
        say(
            f"    ratio Hogatar/floor (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['throughput']}: {verdict(met)}); Hogatar/pgbench {pg_ratio:.3f}"
        )
        items = [item for r in rounds for item in r["items"]]
        count = sum(i["transitions"] for i in items)
        per = {
            key: sum(i[key] for i in items) / count
            for key in (
                "transaction_seconds",
                "after_commit_seconds",
                "publish_seconds",
                "statements",
                "commits",
                "cpu_seconds",
            )
        }
        floor_cpu = statistics.fmean(r["floor_cpu_ms"] for r in rounds)
        queued = self.queued_messages()
        say(
            f"    per transition, mean over the clients: {per['transaction_seconds'] * 1000:.2f}"
            f" ms from handle() to COMMIT returned, {per['after_commit_seconds'] * 1000:.2f} ms"
            f" after it (of which publishing {per['publish_seconds'] * 1000:.2f} ms); client CPU"
            f" {per['cpu_seconds'] * 1000:.2f} ms (floor {floor_cpu:.2f} ms);"
            f" {per['statements']:.1f} SQL statements and {per['commits']:.2f} commits"
        )
        say(f"    messages left in Redis db {REDIS_DB} by (a), then flushed: {queued}")
        self.out.figures["a"] = {
            "pgbench_tps": pgbench_tps,
            "floor_tps": floor_tps,
            "hogatar_tps": hogatar_tps,
            "ratio": ratio,
            "pgbench_ratio": pg_ratio,
            "met": met,
            "rounds": [{k: v for k, v in r.items() if k != "items"} for r in rounds],
            "per_transition": per,
            "floor_cpu_ms": floor_cpu,
            "queued": queued,
        }
