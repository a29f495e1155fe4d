"""(c) Transitions committed and their effects done, per second over a fixed batch,
against the floor and a bare no-op task with the same worker settings."""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import create_engine, text

from bench.transitions.baselines import floor_main, producer_main
from bench.transitions.clients import client_main
from bench.transitions.common import (
    CLIENTS,
    DATABASE_URL,
    TARGETS,
    WORKER_CONCURRENCY,
    Group,
    verdict,
    wait_for,
)
from bench.transitions.harness import Harness
from workflow.persistence.database import normalise_url


class EndToEnd(Harness):
    def bare_round(self, producers: Group, round_no: int, per_client: int) -> dict[str, Any]:
        worker = self.workers["bare"]
        cpu = worker.cpu_seconds()
        items = producers.round(timeout=300)
        ids = [f"bare-c-{round_no}-{i}-{n}" for i in range(CLIENTS) for n in range(per_client)]
        runs = self.wait_tasks("bare", ids, 300)
        worker_cpu = worker.cpu_seconds() - cpu
        started = min(item["started"] for item in items)
        sent = max(item["ended"] for item in items)
        done = max(end for _, end in runs.values())
        return {
            "rate": len(ids) / (done - started),
            "sent_after": sent - started,
            "done_after": done - started,
            "worker_cpu_ms": worker_cpu * 1000 / len(ids),
            "client_cpu_ms": sum(i["cpu_seconds"] for i in items) * 1000 / len(ids),
        }

    def floor_done_since(self, watermark: int) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT count(*) FROM floor_outbox WHERE id > :w AND status <> 'done'"),
                {"w": watermark},
            ).scalar()
        engine.dispose()
        return int(value or 0)

    def floor_watermark(self) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(text("SELECT coalesce(max(id), 0) FROM floor_outbox"))
            watermark = int(value.scalar() or 0)
        engine.dispose()
        return watermark

    def floor_round(self, floor: Group) -> dict[str, Any]:
        watermark = self.floor_watermark()
        return self.measured_round(
            floor,
            worker_name="floor",
            task_prefix="floor-",
            unfinished=lambda: self.floor_done_since(watermark),
        )

    def end_to_end(self) -> None:
        say = self.out.say
        plan = self.plan
        per_client = plan.batch // CLIENTS
        batch = per_client * CLIENTS
        self.phase(
            f"(c) completed/s over a batch of {batch}, {CLIENTS} producing processes, one"
            f" worker per side with --concurrency {WORKER_CONCURRENCY} (prefork, prefetch 1,"
            f" late acks); bare, floor and Hogatar alternate, {plan.rounds_c} rounds"
        )
        watermark = self.outbox_watermark()
        floor_mark = self.floor_watermark()
        producers = self.group(
            producer_main, lambda i: (i, self.var_dir, per_client, plan.rounds_c)
        )
        floor = self.group(
            floor_main,
            lambda i: (i, self.var_dir, plan.cases_per_client, None, per_client, plan.rounds_c),
        )
        clients = self.group(
            client_main,
            lambda i: (
                i, self.var_dir, plan.cases_per_client, None, per_client, plan.rounds_c, None,
            ),
        )  # fmt: skip
        producers.ready()
        floor.ready()
        clients.ready()
        # Warm-up messages of every side are done before any clock starts.
        self.wait_tasks("bare", [f"bare-c-warm-{i}" for i in range(CLIENTS)], 60)
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "warm-up effects")
        wait_for(lambda: self.floor_done_since(floor_mark) == 0, 60, "floor warm-up")
        rounds = []
        for round_no in range(plan.rounds_c):
            bare = self.bare_round(producers, round_no, per_client)
            hand = self.floor_round(floor)
            hogatar = self.hogatar_round(clients)
            rounds.append({"bare": bare, "floor": hand, "hogatar": hogatar})
            say(
                f"    round {round_no + 1}: bare {bare['rate']:6.1f} tasks/s; floor"
                f" {hand['rate']:6.1f}/s (committed after {hand['committed_after']:.2f} s, done"
                f" after {hand['done_after']:.2f} s); Hogatar {hogatar['rate']:6.1f}/s"
                f" (committed after {hogatar['committed_after']:.2f} s, done after"
                f" {hogatar['done_after']:.2f} s); Hogatar/floor"
                f" {hogatar['rate'] / hand['rate']:.3f}"
            )
        producers.close()
        floor.close()
        clients.close()

        def median(side: str, key: str = "rate") -> float:
            return statistics.median(r[side][key] for r in rounds)

        def mean(side: str, key: str) -> float:
            return statistics.fmean(r[side][key] for r in rounds)

        ratio = statistics.median(r["hogatar"]["rate"] / r["floor"]["rate"] for r in rounds)
        bare_ratio = statistics.median(r["hogatar"]["rate"] / r["bare"]["rate"] for r in rounds)
        met = ratio >= TARGETS["end_to_end"]
        say(f"    bare no-op (median):                {median('bare'):8.1f} tasks/s")
        say(f"    floor transition+effect (median):   {median('floor'):8.1f} /s")
        say(f"    Hogatar transition+effect (median): {median('hogatar'):8.1f} /s")
        say(
            f"    ratio Hogatar/floor (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['end_to_end']}: {verdict(met)}); Hogatar/bare {bare_ratio:.3f}"
        )
        cpu = {
            side: {"client": mean(side, "client_cpu_ms"), "worker": mean(side, "worker_cpu_ms")}
            for side in ("hogatar", "floor", "bare")
        }
        say(
            "    CPU per message, producing process / worker (main and pool processes):"
            f" Hogatar {cpu['hogatar']['client']:.2f} / {cpu['hogatar']['worker']:.2f} ms,"
            f" floor {cpu['floor']['client']:.2f} / {cpu['floor']['worker']:.2f} ms,"
            f" bare {cpu['bare']['client']:.2f} / {cpu['bare']['worker']:.2f} ms;"
            " PostgreSQL's own CPU not counted"
        )
        self.out.figures["c"] = {
            "batch": batch,
            "bare_rate": median("bare"),
            "floor_rate": median("floor"),
            "hogatar_rate": median("hogatar"),
            "ratio": ratio,
            "bare_ratio": bare_ratio,
            "met": met,
            "rounds": rounds,
            "cpu_ms": cpu,
        }
