"""The directory of other funders: `flask funders import` loads the seed (or any CSV shaped like it) without
duplicating anything, turns away bad rows with the line and the reason, and officers add, edit, close and
re-verify entries, each change audited."""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm
from grantsfund.signposting import cli, directory
from grantsfund.signposting.directory import FunderDetails
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Reach
from tests.organisations import factories as organisations
from tests.signposting.factories import listed, programme_details

SYSTEM = Actor.system()
COLUMNS = [
    "funder",
    "programme",
    "min_award_gbp",
    "max_award_gbp",
    "eligible_types",
    "themes",
    "geography",
    "status",
    "notes",
    "source",
    "source_date",
    "min_income_gbp",
    "max_income_gbp",
    "next_deadline",
]


def seed_rows(seed_csv: Path) -> list[dict[str, str]]:
    with seed_csv.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def row(funder: str = "Alder Trust", programme: str = "Small grants", **cells: str) -> dict[str, str]:
    values = {
        "funder": funder,
        "programme": programme,
        "min_award_gbp": "500",
        "max_award_gbp": "5000",
        "eligible_types": "registered charity;unincorporated community group",
        "themes": "young people;arts",
        "geography": "England",
        "status": "rolling",
        "notes": "",
        "source": "aldertrust.org.uk",
        "source_date": "2025-03",
        "min_income_gbp": "",
        "max_income_gbp": "",
        "next_deadline": "",
    }
    values.update(cells)
    return values


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def by_name() -> dict[str, Programme]:
    return {entry.name: entry for entry in directory.list_programmes()}


def funder_names() -> list[str]:
    return list(db.session.scalars(select(Funder.name).order_by(func.lower(Funder.name))))


def changed(entry: Programme, **changes: object) -> directory.ProgrammeDetails:
    return dataclasses.replace(directory.details_of(entry), **changes)  # type: ignore[arg-type]


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# Importing the seed ----------------------------------------------------------------------------------------


def test_the_seed_adds_fifteen_programmes_and_importing_it_again_changes_nothing(seed_csv):
    first = directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    assert (first.added, first.updated, first.unchanged, first.rejected) == (15, 0, 0, [])
    assert first.summary() == ("Funders: 15 added, 0 updated, 0 unchanged, 0 kept as an officer left them, 0 rejected.")
    assert len(directory.list_programmes()) == 15
    assert len(funder_names()) == 14  # the National Lottery Community Fund has two programmes
    assert len(events("funder_programme.added")) == 15

    again = directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)

    assert (again.added, again.updated, again.unchanged, again.kept, again.rejected) == (0, 0, 15, 0, [])
    assert len(directory.list_programmes()) == 15
    assert len(funder_names()) == 14
    assert events("funder_programme.updated") == []


def test_changing_one_rows_largest_grant_updates_that_programme_alone_and_audits_the_change(seed_csv):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    changed = seed_rows(seed_csv)
    assert changed[0]["programme"] == "National Lottery Awards for All England"
    changed[0]["max_award_gbp"] = "25,000"
    when = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    report = directory.import_rows(changed, actor=SYSTEM, now=when)

    assert (report.added, report.updated, report.unchanged) == (0, 1, 14)
    awards_for_all = by_name()["National Lottery Awards for All England"]
    assert awards_for_all.max_award_pence == 2_500_000
    assert awards_for_all.updated_at == when
    [event] = events("funder_programme.updated")
    assert (event.object_type, event.object_id) == ("funder_programme", str(awards_for_all.id))
    assert event.before == {"max_award_pence": 2_000_000}
    assert event.after == {"max_award_pence": 2_500_000}
    assert event.actor_id is None


def test_an_entry_checked_since_the_files_row_was_written_is_kept_as_the_officer_left_it(seed_csv):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    awards_for_all = by_name()["National Lottery Awards for All England"]
    directory.verify(awards_for_all, actor=SYSTEM, now=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    changed = seed_rows(seed_csv)
    changed[0]["max_award_gbp"] = "25000"  # the file is from 2024: older than the officer's check
    changed[1]["max_award_gbp"] = "600000"
    changed[1]["source_date"] = "2026-03-03"  # newer than the import

    report = directory.import_rows(changed, actor=SYSTEM)

    assert (report.added, report.updated, report.unchanged, report.kept) == (0, 1, 13, 1)
    assert awards_for_all.max_award_pence == 2_000_000
    assert awards_for_all.last_verified_on == date(2026, 3, 2)
    reaching = by_name()["Reaching Communities England"]
    assert (reaching.max_award_pence, reaching.last_verified_on) == (60_000_000, date(2026, 3, 3))


def test_importing_again_never_reopens_a_programme_an_officer_closed(seed_csv, officer):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    awards_for_all = by_name()["National Lottery Awards for All England"]
    directory.close_programme(awards_for_all, actor=officer)

    again = directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)

    assert awards_for_all.status is ProgrammeStatus.CLOSED
    today = london_today().isoformat()
    assert again.kept_because == [f"line 2: kept closed: an officer closed it on {today}, after the file's 2024-01-01"]
    assert (again.updated, again.unchanged, again.kept) == (0, 14, 1)


def test_a_row_newer_than_an_officers_closing_reopens_the_programme(seed_csv, officer):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    awards_for_all = by_name()["National Lottery Awards for All England"]
    directory.close_programme(awards_for_all, actor=officer, now=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    newer = seed_rows(seed_csv)
    newer[0]["source_date"] = "2026-03-03"

    report = directory.import_rows(newer, actor=SYSTEM)

    assert report.updated == 1
    assert awards_for_all.status is not ProgrammeStatus.CLOSED


def test_an_officers_edit_on_the_files_date_is_kept(seed_csv, officer):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    awards_for_all = by_name()["National Lottery Awards for All England"]
    written = awards_for_all.last_verified_on
    directory.update_programme(awards_for_all, changed(awards_for_all, max_award_pence=1_500_000), actor=officer)

    again = directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)

    assert awards_for_all.max_award_pence == 1_500_000
    assert [reason.split(":")[0] for reason in again.kept_because] == ["line 2"]
    assert again.kept_because[0].endswith("and the file's row is no newer")
    assert awards_for_all.last_verified_on == written


def test_the_import_command_lists_the_entries_it_kept(app, seed_csv, tmp_path, officer):
    path = write(tmp_path / "funders.csv", [row()])
    runner = app.test_cli_runner()
    runner.invoke(args=["funders", "import", str(path)])
    db.session.expire_all()
    directory.close_programme(by_name()["Small grants"], actor=officer)
    db.session.commit()

    again = runner.invoke(args=["funders", "import", str(path)])

    assert again.stdout.splitlines()[1].startswith("  line 2: kept closed: an officer closed it on ")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"geography": "North " * 40}, "geography must be 200 characters or fewer"),
        ({"source": "x" * 501}, "source must be 500 characters or fewer"),
        ({"website": "https://example.org/" + "x" * 490}, "website must be 500 characters or fewer"),
    ],
)
def test_a_value_too_long_for_the_directory_turns_away_its_row_alone(cells, reason):
    too_long = row("Long Trust") | cells

    report = directory.import_rows([row(), too_long], actor=SYSTEM)

    assert report.rejected == [f"line 3: {reason}"]
    assert sorted(by_name()) == ["Small grants"]


def test_a_row_checked_in_the_future_is_turned_away():
    tomorrow = (london_today() + timedelta(days=1)).isoformat()

    report = directory.import_rows([row(source_date=tomorrow)], actor=SYSTEM)

    assert report.rejected == [
        f"line 2: source_date '{tomorrow}' is in the future: give the date the entry was last checked"
    ]


def test_an_officer_cannot_say_an_entry_was_checked_in_the_future(officer):
    tomorrow = london_today() + timedelta(days=1)

    with pytest.raises(DomainError, match="today or in the past") as refused:
        listed("Future Trust", "Small grants", actor=officer, last_verified_on=tomorrow)

    assert refused.value.field == "last_verified_on"


def test_the_seeds_wording_is_read_into_the_directorys_terms(seed_csv):
    directory.import_rows(seed_rows(seed_csv), actor=SYSTEM)
    entries = by_name()

    awards_for_all = entries["National Lottery Awards for All England"]
    assert (awards_for_all.min_award_pence, awards_for_all.max_award_pence) == (30_000, 2_000_000)
    assert awards_for_all.legal_forms == [
        "unincorporated_group",
        "registered_charity",
        "cio",
        "company_limited_by_guarantee",
        "cic",
        "school",
        "parish_council",
        "community_benefit_society",
    ]
    assert awards_for_all.themes == [
        "bringing communities together",
        "places and spaces",
        "young people",
        "cost of living",
    ]
    assert (awards_for_all.reach, awards_for_all.area) == (Reach.NATIONAL, "England")
    assert awards_for_all.status is ProgrammeStatus.ROLLING
    assert awards_for_all.source == "tnlcommunityfund.org.uk (Awards for All England programme page)"
    assert awards_for_all.source_url == "https://tnlcommunityfund.org.uk"
    assert awards_for_all.funder.website == "https://tnlcommunityfund.org.uk"
    assert awards_for_all.last_verified_on == date(2024, 1, 1)
    assert awards_for_all.notes.startswith("Up to 2 years.")
    assert (awards_for_all.min_income_pence, awards_for_all.max_income_pence) == (None, None)

    reaching = entries["Reaching Communities England"]
    assert reaching.min_award_pence == 2_000_100  # "20001", to the penny
    assert reaching.max_award_pence == 50_000_000
    assert reaching.source_url == "https://tnlcommunityfund.org.uk/funding/programmes/reaching-communities-england"
    assert reaching.funder is awards_for_all.funder

    local = entries["Local small grants funds"]
    assert (local.reach, local.area) == (Reach.LOCAL, "Local (each foundation covers a defined area)")
    assert local.status is ProgrammeStatus.ROUND_BASED
    assert (local.min_award_pence, local.max_award_pence) == (None, None)
    assert local.wards == []
    assert entries["Funding advice (not a grant)"].reach is Reach.LOCAL

    assert entries["Strengthening bonds in communities"].max_award_pence is None
    assert entries["Postcode Community Trust"].area == "Great Britain"
    assert entries["Grants (closed to new applicants)"].status is ProgrammeStatus.CLOSED
    assert entries["Movement Fund"].source_url == "https://sportengland.org"

    lloyds = entries["Unrestricted funding for small and local charities"]
    assert (lloyds.min_income_pence, lloyds.max_income_pence) == (2_500_000, 100_000_000)
    assert lloyds.legal_forms == ["registered_charity", "cio"]
    assert (lloyds.reach, lloyds.area) == (Reach.NATIONAL, "England and Wales")
    comic_relief = entries["Community Fund"]
    assert (comic_relief.min_income_pence, comic_relief.max_income_pence) == (None, 25_000_000)


def test_optional_columns_give_a_deadline_a_website_and_a_region():
    report = directory.import_rows(
        [
            row(
                next_deadline="2027-03-31",
                website="https://www.aldertrust.org.uk/",
                geography="Yorkshire and the Humber",
                source_date="2025-03-14",
                min_income_gbp="1,000.50",
            )
        ],
        actor=SYSTEM,
    )
    assert report.rejected == []
    entry = by_name()["Small grants"]
    assert entry.next_deadline == date(2027, 3, 31)
    assert entry.funder.website == "https://www.aldertrust.org.uk/"
    assert (entry.reach, entry.area) == (Reach.REGIONAL, "Yorkshire and the Humber")
    assert entry.last_verified_on == date(2025, 3, 14)
    assert entry.min_income_pence == 100_050


# Bad rows --------------------------------------------------------------------------------------------------


def test_each_bad_row_is_turned_away_with_its_line_and_the_problem_and_the_good_rows_still_go_in():
    rows = [
        row("Alder Trust", "Small grants"),  # line 2
        row("Bad Status Trust", status="sometimes"),
        row("Bad Amount Trust", max_award_gbp="twenty"),
        row("Backwards Trust", min_award_gbp="5000", max_award_gbp="500"),
        row("Book Club Trust", eligible_types="registered charity;book club"),
        row("", "Nameless funder's grants"),
        row("No Programme Trust", ""),
        row("Vague Date Trust", source_date="last spring"),
        row("Leap Trust", source_date="2025-02-30"),
        row("Deadline Trust", next_deadline="31/03/2027"),
        row("Nowhere Trust", geography=""),
        row("Birch Foundation", "Main grants"),  # line 13
    ]

    report = directory.import_rows(rows, actor=SYSTEM)

    assert report.added == 2
    assert report.rejected == [
        "line 3: status 'sometimes' is not one of open, rolling, round-based or closed",
        "line 4: max_award_gbp 'twenty': Enter an amount in pounds and pence, like 1,234.50",
        "line 5: The smallest grant must not be more than the largest",
        "line 6: eligible_types: 'book club' is not a kind of group the service knows",
        "line 7: a row needs a funder and a programme",
        "line 8: a row needs a funder and a programme",
        "line 9: source_date 'last spring' is not a year, year-month or date (2024, 2024-05, 2024-05-31)",
        "line 10: source_date '2025-02-30' is not a real date",
        "line 11: next_deadline '31/03/2027' is not a date like 2027-03-31",
        "line 12: geography is empty: give a nation (England, UK, …), a region, or Local",
    ]
    assert report.summary() == (
        "Funders: 2 added, 0 updated, 0 unchanged, 0 kept as an officer left them, 10 rejected."
    )
    assert funder_names() == ["Alder Trust", "Birch Foundation"]
    assert sorted(by_name()) == ["Main grants", "Small grants"]


def test_a_row_turned_away_half_way_leaves_no_funder_behind():
    rows = [
        # A new funder whose only row fails the programme's checks, after the funder itself would be added.
        row("Backwards Trust", min_income_gbp="90000", max_income_gbp="1000"),
        # A new funder whose first row fails and whose second is good: added once, with the good programme.
        row("Cedar Fund", "Broken grants", min_award_gbp="5000", max_award_gbp="500"),
        row("Cedar Fund", "Good grants"),
    ]

    report = directory.import_rows(rows, actor=SYSTEM)

    assert report.rejected == [
        "line 2: The lowest income must not be more than the highest",
        "line 3: The smallest grant must not be more than the largest",
    ]
    assert report.added == 1
    assert funder_names() == ["Cedar Fund"]
    assert db.session.scalar(select(func.count()).select_from(Funder)) == 1
    assert [entry.title for entry in directory.list_programmes()] == ["Cedar Fund: Good grants"]
    assert [event.after["name"] for event in events("funder.added")] == ["Cedar Fund"]


def test_a_bad_row_for_an_existing_programme_leaves_it_as_it_was():
    directory.import_rows([row(max_award_gbp="5000")], actor=SYSTEM)
    report = directory.import_rows([row(min_award_gbp="9000", max_award_gbp="5000")], actor=SYSTEM)
    assert report.rejected == ["line 2: The smallest grant must not be more than the largest"]
    entry = by_name()["Small grants"]
    db.session.refresh(entry)
    assert (entry.min_award_pence, entry.max_award_pence) == (50_000, 500_000)
    assert events("funder_programme.updated") == []


def test_the_same_funder_and_programme_in_another_case_is_the_same_entry():
    directory.import_rows([row("Alder Trust", "Small grants")], actor=SYSTEM)
    report = directory.import_rows([row("ALDER TRUST", "small grants", max_award_gbp="6000")], actor=SYSTEM)
    assert (report.added, report.updated) == (0, 1)
    assert funder_names() == ["Alder Trust"]
    assert [(entry.name, entry.max_award_pence) for entry in directory.list_programmes()] == [("small grants", 600_000)]


# The command -----------------------------------------------------------------------------------------------


def test_the_import_command_reports_what_it_did_and_running_it_again_changes_nothing(app, seed_csv, tmp_path):
    rows = [*seed_rows(seed_csv), row("Odd Trust", status="sometimes")]
    path = write(tmp_path / "funders.csv", rows)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["funders", "import", str(path)])

    assert first.exit_code == 0, first.output
    assert first.stdout == ("Funders: 15 added, 0 updated, 0 unchanged, 0 kept as an officer left them, 1 rejected.\n")
    assert first.stderr == "  line 17: status 'sometimes' is not one of open, rolling, round-based or closed\n"
    db.session.expire_all()
    assert len(directory.list_programmes()) == 15

    second = runner.invoke(args=["funders", "import", str(path)])

    assert second.exit_code == 0, second.output
    assert second.stdout == ("Funders: 0 added, 0 updated, 15 unchanged, 0 kept as an officer left them, 1 rejected.\n")
    db.session.expire_all()
    assert len(directory.list_programmes()) == 15
    assert len(funder_names()) == 14


def test_the_import_command_reads_a_file_saved_by_a_spreadsheet_with_a_byte_order_mark(app, tmp_path):
    path = tmp_path / "funders.csv"
    write(path, [row()])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert cli.load(path).added == 1
    result = app.test_cli_runner().invoke(args=["funders", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0


def test_a_file_without_a_needed_column_is_refused_whole(app, tmp_path):
    path = tmp_path / "funders.csv"
    path.write_text("funder,programme,status\nAlder Trust,Small grants,rolling\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["funders", "import", str(path)])
    assert result.exit_code != 0
    assert "funders.csv has no geography, source_date column" in result.output
    assert directory.list_programmes() == []


def test_a_file_saved_in_a_windows_encoding_is_refused_whole_with_how_to_save_it(app, tmp_path):
    path = tmp_path / "funders.csv"
    write(path, [row(), row("Esmée Trust")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    result = app.test_cli_runner().invoke(args=["funders", "import", str(path)])
    assert result.exit_code != 0
    assert "funders.csv is not saved as UTF-8: save it from the spreadsheet as CSV UTF-8" in result.output
    assert directory.list_programmes() == []


# Officers' changes -----------------------------------------------------------------------------------------


def test_a_funder_name_is_needed_and_may_not_repeat_in_another_case(make_user):
    actor = Actor(make_user(full_name="Officer Olu"))
    alder = directory.create_funder(FunderDetails(name="  Alder Trust ", website="https://alder.org"), actor=actor)
    assert alder.name == "Alder Trust"
    [event] = events("funder.added")
    assert event.actor_id == actor.user_id

    with pytest.raises(DomainError, match="There is already a funder with this name") as refused:
        directory.create_funder(FunderDetails(name="alder trust"), actor=actor)
    assert refused.value.field == "name"
    with pytest.raises(DomainError, match="Enter the funder's name"):
        directory.create_funder(FunderDetails(name="   "), actor=actor)
    with pytest.raises(DomainError, match="Enter a name of 200 characters or fewer"):
        directory.create_funder(FunderDetails(name="x" * 201), actor=actor)
    assert funder_names() == ["Alder Trust"]


def test_updating_a_funder_reports_whether_anything_changed_and_audits_the_change():
    alder = directory.create_funder(FunderDetails(name="Alder Trust", website="https://alder.org"), actor=SYSTEM)
    birch = directory.create_funder(FunderDetails(name="Birch Foundation"), actor=SYSTEM)

    same = FunderDetails(name=" Alder Trust ", website="https://alder.org")
    assert directory.update_funder(alder, same, actor=SYSTEM) is False
    assert events("funder.updated") == []

    changed = FunderDetails(name="Alder Trust", website="https://alder.org", contact="grants@alder.org")
    assert directory.update_funder(alder, changed, actor=SYSTEM) is True
    assert alder.contact == "grants@alder.org"
    [event] = events("funder.updated")
    assert event.before["contact"] == ""
    assert event.after["contact"] == "grants@alder.org"

    with pytest.raises(DomainError, match="There is already a funder with this name") as refused:
        directory.update_funder(birch, FunderDetails(name="ALDER TRUST"), actor=SYSTEM)
    assert refused.value.field == "name"
    assert birch.name == "Birch Foundation"


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"name": "  "}, "Enter the programme's name", "name"),
        ({"name": "SMALL GRANTS"}, "Alder Trust already has a programme with this name", "name"),
        (
            {"min_award_pence": 500_001, "max_award_pence": 500_000},
            "The smallest grant must not be more than the largest",
            "min_award",
        ),
        (
            {"min_income_pence": 2_000_000, "max_income_pence": 1_000_000},
            "The lowest income must not be more than the highest",
            "min_income",
        ),
        (
            {"reach": Reach.NATIONAL, "area": "Yorkshire and the Humber"},
            "Enter a nation or nations: UK, Great Britain, England and Wales, or one nation",
            "area",
        ),
        (
            {"reach": Reach.REGIONAL, "area": "  "},
            "Enter the area the programme covers, like England or Yorkshire and the Humber",
            "area",
        ),
        ({"legal_forms": ["registered_charity", "book_club"]}, "Choose kinds of group from the list", "legal_forms"),
    ],
)
def test_a_programme_must_make_sense(changes, message, field):
    alder = listed("Alder Trust", "Small grants").funder

    with pytest.raises(DomainError) as refused:
        directory.create_programme(alder, programme_details(**{"name": "Main grants", **changes}), actor=SYSTEM)

    assert (str(refused.value), refused.value.field) == (message, field)
    assert [entry.name for entry in alder.programmes] == ["Small grants"]


def test_the_same_programme_name_may_be_used_by_another_funder_and_equal_ends_of_a_range_are_fine():
    listed("Alder Trust", "Small grants")
    other = listed("Birch Foundation", "Small grants", min_award_pence=500_000, max_award_pence=500_000)
    assert other.title == "Birch Foundation: Small grants"


def test_updating_a_programme_checks_its_siblings_reports_no_change_and_audits_only_what_changed():
    small = listed("Alder Trust", "Small grants", themes=["Young people", " young people ", "", "Arts"])
    listed("Alder Trust", "Main grants")
    assert small.themes == ["Young people", "Arts"]

    with pytest.raises(DomainError, match="Alder Trust already has a programme with this name"):
        directory.update_programme(small, changed(small, name="main grants"), actor=SYSTEM)
    assert directory.update_programme(small, directory.details_of(small), actor=SYSTEM) is False
    assert events("funder_programme.updated") == []

    renamed = changed(small, name="Small Grants", max_award_pence=250_000)
    assert directory.update_programme(small, renamed, actor=SYSTEM) is True
    [event] = events("funder_programme.updated")
    assert event.before == {"name": "Small grants", "max_award_pence": None}
    assert event.after == {"name": "Small Grants", "max_award_pence": 250_000}


def test_a_local_programme_keeps_its_wards_and_any_other_has_none():
    riverside, meadow = organisations.ward(), organisations.ward("Meadow", "E05099012")
    local = listed(reach=Reach.LOCAL, area="", ward_ids=[meadow.id, riverside.id])
    assert local.wards == [meadow, riverside]
    national = listed("Birch Foundation", reach=Reach.NATIONAL, area="UK", ward_ids=[meadow.id])
    assert national.wards == []

    assert directory.update_programme(local, changed(local, reach=Reach.NATIONAL, area="UK"), actor=SYSTEM)
    assert local.wards == []
    [event] = events("funder_programme.updated")
    assert event.before["ward_ids"] == sorted([riverside.id, meadow.id])
    assert event.after["ward_ids"] == []


def test_closing_a_programme_is_audited_and_cannot_be_done_twice(make_user):
    actor = Actor(make_user(full_name="Officer Olu"))
    entry = listed()
    when = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    directory.close_programme(entry, actor=actor, now=when)

    assert entry.status is ProgrammeStatus.CLOSED
    [event] = events("funder_programme.updated")
    assert (event.before, event.after) == ({"status": "rolling"}, {"status": "closed"})
    assert (event.actor_id, event.occurred_at) == (actor.user_id, when)
    with pytest.raises(DomainError, match="This programme is already closed"):
        directory.close_programme(entry, actor=actor)
    assert entry not in directory.open_programmes()


def test_verifying_an_entry_records_todays_london_date_and_an_audit_event():
    entry = listed(last_verified_on=date(2025, 6, 1))
    # 11:30pm UTC on 30 June is already 1 July in London (BST).
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    directory.verify(entry, actor=SYSTEM, now=late_evening)

    assert entry.last_verified_on == date(2026, 7, 1)
    [event] = events("funder_programme.updated")
    assert (event.before, event.after) == ({"last_verified_on": "2025-06-01"}, {"last_verified_on": "2026-07-01"})
    assert event.occurred_at == late_evening

    directory.verify(entry, actor=SYSTEM, now=late_evening + timedelta(hours=3))
    assert len(events("funder_programme.updated")) == 1  # the same London day: nothing changed


def test_the_list_can_be_searched_filtered_by_status_and_narrowed_to_entries_due_for_checking(app, monkeypatch):
    today = london_today()
    cutoff = directory.stale_before()
    listed("Alder Trust", "Small grants", last_verified_on=cutoff - timedelta(days=1))
    listed("Alder Trust", "Main grants", status=ProgrammeStatus.CLOSED, last_verified_on=cutoff)
    listed("Birch Foundation", "Youth grants", status=ProgrammeStatus.OPEN, last_verified_on=today)

    def titles(**filters):
        return [entry.title for entry in directory.list_programmes(**filters)]

    assert titles() == ["Alder Trust: Main grants", "Alder Trust: Small grants", "Birch Foundation: Youth grants"]
    assert titles(search="  alder ") == ["Alder Trust: Main grants", "Alder Trust: Small grants"]
    assert titles(search="YOUTH") == ["Birch Foundation: Youth grants"]
    assert titles(search="grants") == titles()
    assert titles(search="oak") == []
    assert titles(status=ProgrammeStatus.CLOSED) == ["Alder Trust: Main grants"]
    assert titles(status=ProgrammeStatus.OPEN, search="alder") == []
    assert titles(stale_only=True) == ["Alder Trust: Small grants"]

    monkeypatch.setitem(app.config, "FUNDER_VERIFY_MONTHS", 0)
    assert titles(stale_only=True) == ["Alder Trust: Main grants", "Alder Trust: Small grants"]


@pytest.mark.parametrize(
    ("today", "months", "before"),
    [
        (date(2026, 11, 23), 12, date(2025, 11, 23)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
    ],
)
def test_entries_are_due_for_checking_once_older_than_the_configured_months(app, monkeypatch, today, months, before):
    monkeypatch.setitem(app.config, "FUNDER_VERIFY_MONTHS", months)
    assert directory.stale_before(today) == before


def test_a_legal_form_the_seed_does_not_name_can_still_be_given_in_the_apps_own_words():
    directory.import_rows([row(eligible_types="other; Faith group;faith_group;CIC")], actor=SYSTEM)
    assert by_name()["Small grants"].legal_forms == [LegalForm.OTHER, LegalForm.FAITH_GROUP, LegalForm.CIC]


@pytest.mark.parametrize("address", ["javascript:alert(1)", "alder.org", "https:// alder.org", "ftp://alder.org"])
def test_links_that_go_into_letters_must_be_web_addresses(address):
    message = "Enter a web address starting https://, like https://www.example.org"
    with pytest.raises(DomainError, match=message) as refused:
        directory.create_funder(FunderDetails(name="Alder Trust", website=address), actor=SYSTEM)
    assert refused.value.field == "website"
    alder = directory.create_funder(FunderDetails(name="Alder Trust", website="https://alder.org"), actor=SYSTEM)
    with pytest.raises(DomainError, match=message) as refused:
        directory.create_programme(alder, programme_details(source_url=address), actor=SYSTEM)
    assert refused.value.field == "source_url"
    assert directory.list_programmes() == []
