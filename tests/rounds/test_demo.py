from sqlalchemy import func, select

from grantsfund.common.dates import format_datetime
from grantsfund.demo import rounds as demo
from grantsfund.extensions import db
from grantsfund.rounds import queries
from grantsfund.rounds.models import Fund, Round, RoundStatus


def test_the_demo_has_last_years_round_and_an_open_one_and_is_safe_to_run_again(anonymous_client):
    assert demo.seed() == "Funds and rounds: 1 fund, 2 rounds added (5 themes, 22 indicators loaded)"
    assert demo.seed() == "Funds and rounds: 0 funds, 0 rounds added (0 themes, 0 indicators loaded)"
    assert db.session.scalar(select(func.count()).select_from(Fund)) == 1
    rounds = {r.name: r for r in db.session.scalars(select(Round))}
    last, this = rounds[demo.LAST_YEAR], rounds[demo.THIS_YEAR]
    # Last year's round stays open here: the decided-round stage submits its bids, then closes it.
    assert last.status is RoundStatus.OPEN
    assert format_datetime(last.closes_at) == "5 June 2025 at 11:45pm"
    assert this.status is RoundStatus.OPEN
    assert this.copied_from_id == last.id
    assert (this.budget_pence, this.minimum_grant_pence, this.maximum_grant_pence) == (30_000_000, 100_000, 2_500_000)
    assert len(this.criteria) == 7
    assert len(this.questions) == 3
    assert [r.name for r in queries.list_open_rounds()] == [demo.THIS_YEAR]
    assert anonymous_client.get(f"/funding/{this.id}").status_code == 200
    assert anonymous_client.get(f"/funding/{last.id}").status_code == 404
