"""Large publications stream: writing ten times as many grants takes about the same memory, because grants are read
and written a batch at a time. (bench/open_data.py measures 1,000 against 100,000.)"""

from __future__ import annotations

import os
import tracemalloc
from datetime import date

import pytest

from grantsfund.extensions import db
from grantsfund.reporting.opendata import publication, records, writers
from grantsfund.reporting.opendata.publication import FileFormat
from grantsfund.reporting.opendata.records import Selection
from tests.reporting.opendata import factories

SMALL, LARGE = 150, 1500


def peak(file_format: FileFormat, selection: Selection, publisher) -> int:
    """The peak of Python memory while the file is written to nowhere."""
    db.session.expire_all()
    tracemalloc.start()
    try:
        with open(os.devnull, "wb") as sink:
            grants = records.grants(selection, publisher)
            publication.write(
                sink, file_format, grants, selection=selection, publisher=publisher, today=date(2026, 5, 1)
            )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("file_format", [FileFormat.JSON, FileFormat.CSV])
def test_memory_stays_flat_as_the_file_grows(made, publisher, monkeypatch, file_format):
    monkeypatch.setattr(records, "BATCH", 50)
    monkeypatch.setattr(writers, "CSV_ROWS", 50)
    group = factories.group()
    abbey, castle = factories.ward("Abbey Fields", "E05099001"), factories.ward("Castle Hill", "E05099003")
    larger = factories.another_round(made)
    factories.many(made, group, SMALL, wards=[abbey, castle])
    factories.many(larger, group, LARGE, wards=[abbey, castle])
    small, large = Selection(round_id=made.round.id), Selection(round_id=larger.round.id)
    assert records.count(small) == SMALL
    assert records.count(large) == LARGE
    peak(file_format, small, publisher)  # once first, so the statements are compiled and cached

    ratio = peak(file_format, large, publisher) / peak(file_format, small, publisher)

    assert ratio < 2, f"ten times the grants took {ratio:.1f} times the memory"
