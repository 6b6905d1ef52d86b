"""Soak: the load drill's mix (bench/drills/load.py) at 20 people for 30 minutes against gunicorn (2 workers) on
PostgreSQL, sampling each worker's memory every 30 seconds.

Run it through `make drill-soak`. Workers are never recycled during the soak (gunicorn's max_requests off), so a
leak cannot hide behind a restart. The verdict: no errors, the same workers throughout, and each worker's
resident memory (VmRSS) at the end within 10% of what it was after the warm-up (minute 5). Exits 1 otherwise.
See docs/operations.md.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills import load, stack  # noqa: E402

SAMPLE_SECONDS = 30
GROWTH_ALLOWED = 0.10  # of a worker's memory after the warm-up


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long the soak runs (30)")
    parser.add_argument("--warm-up", type=float, default=5, help="minutes before memory must stay flat (5)")
    parser.add_argument("--concurrency", type=int, default=20, help="people at once (20)")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds a person pauses between steps (0.5)")
    parser.add_argument("--applications", type=int, default=10_000, help="submitted applications (10,000)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    # The load drill's data and servers, with enough people for everyone to be somebody different.
    defaults = load.parse_args([])
    for name, value in vars(defaults).items():
        if not hasattr(args, name):
            setattr(args, name, value)
    return args


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def main() -> int:
    args = parse_args()
    url = stack.database_url()
    print("Populating PostgreSQL ...", flush=True)
    people = load.populate(url, args)
    with stack.serve(url, workers=args.workers, threads=args.threads, max_requests=0) as base_url:
        workers = stack.worker_pids(base_url)
        print(
            f"Soak: {args.concurrency} people for {args.minutes:g} minutes (pausing {args.think:g}s on average), "
            f"gunicorn workers {workers}, memory sampled every {SAMPLE_SECONDS}s",
            flush=True,
        )
        tally = load.Tally()
        outcome: list[float] = []
        mix = threading.Thread(
            target=lambda: outcome.append(
                load.run_mix(base_url, people, args.concurrency, args.minutes * 60, args.seed, args.think, tally)[1]
            )
        )
        started = time.monotonic()
        mix.start()
        print(f"{'minute':>7}{'requests':>10}{'errors':>8}{'p95 ms':>8}  RSS MiB per worker", flush=True)
        samples: list[tuple[float, dict[int, int]]] = []
        seen = errors = 0
        while mix.is_alive():
            mix.join(SAMPLE_SECONDS)
            with tally.lock:
                recent, seen = tally.records[seen:], len(tally.records)
                new_errors, errors = len(tally.errors) - errors, len(tally.errors)
            minute = (time.monotonic() - started) / 60
            rss = stack.worker_rss(base_url)
            samples.append((minute, rss))
            p95 = load.bench.percentile([r.seconds for r in recent], 95) * 1000 if recent else 0.0
            memory = "  ".join(f"{pid}:{mib(kib)}" for pid, kib in sorted(rss.items()))
            print(f"{minute:7.1f}{len(recent):10}{new_errors:8}{p95:8.0f}  {memory}", flush=True)
        print()
        load.report_mix(tally, outcome[0] if outcome else args.minutes * 60)
        return verdict(tally, workers, samples, min(args.warm_up, args.minutes / 3))


def verdict(tally: load.Tally, workers: list[int], samples: list[tuple[float, dict[int, int]]], warm: float) -> int:
    """Print whether the soak passed: no errors, the same workers throughout, and flat memory after the warm-up."""
    problems = []
    if tally.errors:
        problems.append(f"{len(tally.errors)} errors")
    after = [rss for minute, rss in samples if minute >= warm]
    if not after:
        problems.append("no memory sample after the warm-up")
    else:
        first, last = after[0], after[-1]
        for pid in workers:
            if pid not in first or pid not in last:
                problems.append(f"worker {pid} did not last the soak")
                continue
            growth = (last[pid] - first[pid]) / first[pid]
            print(
                f"worker {pid}: {mib(first[pid])} MiB at minute {warm:g}, {mib(last[pid])} MiB at the end "
                f"({growth:+.1%}; peak {mib(max(rss.get(pid, 0) for rss in after))} MiB)"
            )
            if growth > GROWTH_ALLOWED:
                problems.append(f"worker {pid} grew {growth:.1%} after the warm-up")
    print(
        "Verdict: "
        + ("PASS (0 errors, memory flat after the warm-up)" if not problems else "FAIL: " + "; ".join(problems))
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
