"""Finance's dashboard: what is due by the end of the month (and overdue), what is approved, held and paid
recently, and the totals by round; a fixed number of queries however many grants there are."""

from datetime import timedelta

import pytest

from grantsfund.agreements import termination as terminations
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.dashboard import last_month_start, month_end
from tests.agreements import factories
from tests.applications.factories import open_round
from tests.conftest import page
from tests.payments.conftest import grants, instalments, paid
from tests.queries import statement_count


def section(response, name: str) -> dict[tuple[str, str], list[str]]:
    """A dashboard table's rows by (grant reference, instalment number), each as its cells' text."""
    found = {}
    for row in page(response).select(f"#{name} tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        if len(cells) > 1:
            found[(cells[1].split()[0], cells[2])] = cells
    return found


def caption(response, name: str) -> str:
    return page(response).select_one(f"#{name} caption .govuk-caption-m").get_text(" ", strip=True)


@pytest.fixture
def two(round_, officer, make_user, people):
    return grants(round_, officer, make_user, people, 2)


def test_due_now_lists_what_falls_due_by_the_end_of_the_month_and_flags_what_is_overdue(finance_client, two):
    first, second = two
    today = london_today()
    late, waiting, later = instalments(first)
    late.due_on = today - timedelta(days=3)
    waiting.due_on = month_end(today)
    instalments(second)[0].due_on = month_end(today) + timedelta(days=1)  # next month's
    db.session.flush()

    response = finance_client.get("/payments")

    due = section(response, "due")
    assert set(due) == {(first.reference, "1"), (first.reference, "2")}
    assert due[(first.reference, "1")] == [
        f"{format_date(late.due_on)} Overdue",
        f"{first.reference} payments {first.organisation.name}",
        "1",
        "Agreement accepted Met",
        "£1,668.50",
        f"Approve instalment 1 of {first.reference}",
    ]
    assert due[(first.reference, "2")][0] == format_date(waiting.due_on)  # not overdue yet
    assert due[(first.reference, "2")][3:] == ["Return for period 1 accepted Not yet", "£1,666.00", ""]
    assert caption(response, "due") == "2 instalments, £3,334.50"


def test_approved_held_and_recently_paid_instalments_each_have_their_list(finance_client, two, finance):
    first, second = two
    today = london_today()
    payments.approve(instalments(first)[0], actor=finance)
    paid(instalments(second)[0], finance, reference="BACS-9", paid_on=last_month_start(today))
    payments.hold(instalments(first)[1], reason="Checking the bank details", actor=finance)
    automatic = instalments(second)[1]
    automatic.due_on = today - timedelta(days=1)
    db.session.flush()
    assert holds.hold_waiting() == 1
    db.session.flush()

    response = finance_client.get("/payments")

    [approved] = section(response, "approved").values()
    assert approved[:4] == [
        format_date(today),
        f"{first.reference} payments {first.organisation.name}",
        "1",
        "£1,668.50",
    ]
    link = page(response).select_one("#approved a[href*='/record']")
    assert link["href"] == f"/payments/instalments/{instalments(first)[0].id}/record?next=/payments"
    held = section(response, "held")
    assert held[(first.reference, "2")][3] == "Checking the bank details Held by finance"
    assert held[(second.reference, "2")][3].endswith("Held automatically: released when the return is accepted")
    assert held[(second.reference, "2")][3].startswith("Waiting for the return for period 1")
    [recent] = section(response, "paid").values()
    assert recent[3:] == ["BACS-9", "£1,668.50"]
    assert caption(response, "paid") == "1 instalment, £1,668.50"


def test_payments_made_before_last_month_are_not_listed_as_recent(finance_client, two, finance):
    first, _second = two
    paid(instalments(first)[0], finance, paid_on=last_month_start(london_today()) - timedelta(days=1))
    assert section(finance_client.get("/payments"), "paid") == {}


def test_totals_by_round_add_up_each_rounds_awards_and_payments(
    finance_client, finance, round_, officer, make_user, people
):
    actor = finance
    a, b = grants(round_, officer, make_user, people, 2)
    later = open_round(make_user, name="Round 2027/28")
    later.assessors_per_bid = 1
    later.budget_pence = 5_000_000
    [c] = grants(later, officer, make_user, people)
    [bid] = factories.approved(later, officer, make_user, people)
    factories.offered(bid, officer)  # offered, not accepted: no award yet
    a1, a2, a3 = instalments(a)
    b1, b2, b3 = instalments(b)
    c1, c2, c3 = instalments(c)
    paid(a1, actor)
    payments.approve(b1, actor=actor)
    payments.hold(a2, reason="Query on the budget", actor=actor)
    paid(c1, actor)
    terminations.terminate(c, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer)
    db.session.flush()

    shown = {
        row[0]: row[1:]
        for row in (
            [cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in page(finance_client.get("/payments")).select("#rounds tbody tr")
        )
    }

    first = [a.amount_pence + b.amount_pence, b1.amount_pence, a1.amount_pence, a2.amount_pence]
    first.append(a2.amount_pence + a3.amount_pence + b1.amount_pence + b2.amount_pence + b3.amount_pence)
    second = [c.amount_pence, 0, c1.amount_pence, 0, 0]  # the rest was cancelled when it was terminated
    assert shown == {
        "Round 2026/27 fund: Round 2026/27": [format_pence(pence) for pence in first],
        "Round 2027/28 fund: Round 2027/28": [format_pence(pence) for pence in second],
        "All rounds": [format_pence(x + y) for x, y in zip(first, second, strict=True)],
    }
    assert shown["All rounds"][0] == "£15,001.50"


def test_the_dashboard_runs_the_same_queries_however_many_grants(
    finance_client, finance, round_, officer, make_user, people
):
    actor = finance

    def busy(count: int) -> None:
        """Grants with something in every list: one paid and one approved instalment, one held, one due now."""
        for number, agreement in enumerate(grants(round_, officer, make_user, people, count)):
            first, second, third = instalments(agreement)
            if number % 2:
                paid(first, actor)
            else:
                payments.approve(first, actor=actor)
            payments.hold(second, reason="Query", actor=actor)
            third.due_on = london_today()
        db.session.flush()

    busy(2)
    for_two = statement_count(finance_client, "/payments")
    busy(4)
    assert statement_count(finance_client, "/payments") == for_two
    assert caption(finance_client.get("/payments"), "held") == "6 instalments, £9,996.00"


def test_a_closed_grant_still_counts_in_its_rounds_totals(finance_client, finance, round_, officer, make_user, people):
    from tests.monitoring.plan_factories import closed

    [grant] = grants(round_, officer, make_user, people)
    closed(grant, officer, finance)
    db.session.flush()

    [row] = [
        [cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
        for tr in page(finance_client.get("/payments")).select("#rounds tbody tr")
        if tr.select_one("th, td").get_text(strip=True) != "All rounds"
    ]
    awarded, approved, paid_so_far, held, to_pay = row[1:]
    assert (awarded, paid_so_far) == (format_pence(grant.amount_pence), format_pence(grant.amount_pence))
    assert (approved, held, to_pay) == ("£0.00", "£0.00", "£0.00")
