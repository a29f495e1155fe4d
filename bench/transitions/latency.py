"""(b) Commit-to-task-start latency of an effect, against ``apply_async``-to-task-start of
a bare no-op task, one message at a time, the two sides interleaved."""

from __future__ import annotations

import time
from typing import Any

from bench.bare_app import make_app as make_bare_app
from bench.bare_app import noop_task
from bench.transitions.clients import Cycler, Probe, open_cases
from bench.transitions.common import TARGETS, bench_settings, percentile, verdict
from bench.transitions.harness import Harness
from workflow.bootstrap import bootstrap


class Latency(Harness):
    def latency(self) -> None:
        say = self.out.say
        plan = self.plan
        self.phase(
            f"(b) latency to task start: {plan.latency_samples} messages each side, one at a"
            f" time, {plan.latency_gap * 1000:.0f} ms apart, the two sides interleaved"
        )
        settings = bench_settings(self.var_dir)
        rt = bootstrap(settings)
        probe = Probe()
        probe.attach(rt)
        cycler = Cycler(open_cases(rt, 4, "latency"))
        noop = noop_task(make_bare_app(settings))

        handed: dict[str, float] = {}  # Hogatar task id -> when the relay called publish

        def hogatar_once() -> tuple[str, float, float, float]:
            before = time.time()
            result, commit_at = probe.advance(rt, *cycler.next())
            task_id = f"outbox-{result.outbox_ids[0]}"
            handed[task_id] = probe.publish_at or commit_at
            return task_id, commit_at, before, time.time()

        def bare_once(task_id: str) -> tuple[str, float, float, float]:
            before = time.time()
            noop.apply_async(args=[0], task_id=task_id)
            return task_id, before, before, time.time()

        warm_h = []
        warm_b = []
        for n in range(20):  # both pool processes of both workers, connections, caches
            warm_h.append(hogatar_once()[0])
            warm_b.append(bare_once(f"bare-b-warm-{n}")[0])
            time.sleep(plan.latency_gap)
        self.wait_tasks("hogatar", warm_h, 60)
        self.wait_tasks("bare", warm_b, 60)

        samples: dict[str, list[tuple[str, float, float, float]]] = {"hogatar": [], "bare": []}
        for n in range(plan.latency_samples):
            order = ("hogatar", "bare") if n % 2 == 0 else ("bare", "hogatar")
            for side in order:
                if side == "hogatar":
                    samples[side].append(hogatar_once())
                else:
                    samples[side].append(bare_once(f"bare-b-{n}"))
                time.sleep(plan.latency_gap)
        rt.engine.dispose()

        figures: dict[str, Any] = {}
        for side in ("hogatar", "bare"):
            runs = self.wait_tasks(side, [s[0] for s in samples[side]], 60)
            reference = [(runs[s[0]][0] - s[1]) * 1000 for s in samples[side]]
            from_call = [(runs[s[0]][0] - s[2]) * 1000 for s in samples[side]]
            from_return = [(runs[s[0]][0] - s[3]) * 1000 for s in samples[side]]
            if side == "hogatar":
                to_publish = [(handed[s[0]] - s[1]) * 1000 for s in samples[side]]
                from_publish = [(runs[s[0]][0] - handed[s[0]]) * 1000 for s in samples[side]]
                figures["split"] = {
                    "to_publish_p50": percentile(to_publish, 0.5),
                    "to_publish_p99": percentile(to_publish, 0.99),
                    "from_publish_p50": percentile(from_publish, 0.5),
                    "from_publish_p99": percentile(from_publish, 0.99),
                }
            figures[side] = {
                "p50": percentile(reference, 0.5),
                "p90": percentile(reference, 0.9),
                "p99": percentile(reference, 0.99),
                "max": max(reference),
                "call_p50": percentile(from_call, 0.5),
                "call_p99": percentile(from_call, 0.99),
                "return_p50": percentile(from_return, 0.5),
                "return_p99": percentile(from_return, 0.99),
            }
        h, b = figures["hogatar"], figures["bare"]
        ratio = h["p99"] / b["p99"]
        met = ratio <= TARGETS["latency_p99"]
        for label, f in (
            ("Hogatar, COMMIT returned -> task start:", h),
            ("bare, apply_async called -> task start:", b),
        ):
            say(
                f"    {label:41s} p50 {f['p50']:6.2f} ms, p90 {f['p90']:6.2f} ms,"
                f" p99 {f['p99']:6.2f} ms, max {f['max']:6.2f} ms"
            )
        say(
            f"    (Hogatar, handle() called -> task start: p50 {h['call_p50']:.2f} ms, p99"
            f" {h['call_p99']:.2f} ms; handle() returned -> task start: p50"
            f" {h['return_p50']:.2f} ms, p99 {h['return_p99']:.2f} ms)"
        )
        split = figures["split"]
        say(
            f"    (Hogatar split: COMMIT returned -> relay calls the publisher: p50"
            f" {split['to_publish_p50']:.2f} ms, p99 {split['to_publish_p99']:.2f} ms; publisher"
            f" called -> task start: p50 {split['from_publish_p50']:.2f} ms, p99"
            f" {split['from_publish_p99']:.2f} ms)"
        )
        say(
            f"    ratio of p99 Hogatar/bare: {ratio:.2f}  "
            f"(target <= {TARGETS['latency_p99']}: {verdict(met)})"
        )
        self.out.figures["b"] = {
            "hogatar": h,
            "bare": b,
            "split": split,
            "ratio": ratio,
            "met": met,
        }
