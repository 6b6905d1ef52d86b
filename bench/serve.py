"""Gunicorn entry point (`serve:application`) for one of the benchmark's two apps, with the query counter.

run.py and the load drill start it with BENCH_APP ("grantsfund" or "baseline"), BENCH_DATABASE (a SQLite file or a
database URL) and BENCH_SCRATCH set.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness import BenchMeter, count_queries, database_uri, grantsfund_overrides


def _build() -> BenchMeter:
    kind = os.environ["BENCH_APP"]
    # A SQLite file (bench/run.py) or a database URL (the drills).
    database = os.environ["BENCH_DATABASE"]
    if kind == "grantsfund":
        from grantsfund import create_app
        from grantsfund.extensions import db

        app = create_app(grantsfund_overrides(database, Path(os.environ["BENCH_SCRATCH"])), env_name="development")
        with app.app_context():
            count_queries(db.engine)
        return BenchMeter(app)
    if kind == "baseline":
        from baseline_app import create_app as create_baseline_app

        baseline, engine = create_baseline_app(database_uri(database))
        count_queries(engine)
        return BenchMeter(baseline)
    raise RuntimeError(f"BENCH_APP must be grantsfund or baseline, not {kind!r}")


application = _build()
