"""Benchmark of case transitions: throughput, effect latency and end-to-end throughput,
each against a bare baseline measured on the same machine in the same run.

    .venv/bin/python bench/transitions            # full run, about 6 minutes
    .venv/bin/python bench/transitions --quick    # about 2 minutes
    .venv/bin/python bench/transitions --profile  # plus a profiled batch (cProfile)

(a) Transitions committed per second by 4 client processes (each its own Runtime, its own
    cases, start/finish cycles of the bench workflow, each with one effect) against the
    hand-written floor (psycopg 3, one transaction, then ``send_task``) and
    ``pgbench -N -c 4 -j 2`` on the same server. No worker runs; each commit is still
    published to Redis, as in production.
(b) Commit-to-task-start latency of an effect against ``apply_async``-to-task-start of a
    bare no-op task, one message at a time.
(c) Transitions committed and their effects done, per second over a fixed batch, against
    the floor (its worker locks the outbox row, inserts the effect, marks it done) and a
    bare no-op task, all with the same worker settings.

Modules: ``common`` (plan, services, process groups), ``clients`` (Hogatar clients),
``baselines`` (pgbench, bare Celery, the floor; ``floor_app`` is the floor's worker),
``harness`` (workers, task logs, rounds), one module per measurement (``throughput``,
``latency``, ``end_to_end``), ``phases`` (all of them, and the profile pass), ``report``
(profiles and the doc), ``run`` (main).

It owns PostgreSQL databases ``bench_engine`` and ``bench_engine_pgbench`` (dropped and
created at the start, dropped at the end) and Redis database 9 (flushed at start and
end), starts its own Celery workers and stops them, and writes its figures between the
``results`` markers of docs/benchmarks.md (the text around them is kept).
"""
