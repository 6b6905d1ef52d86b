"""Ids in URLs past what the database's integer columns hold."""

import pytest


@pytest.mark.parametrize("user_id", [2**31, 2**63, 10**30])
def test_an_id_too_large_for_the_database_is_a_page_not_found(admin_client, user_id):
    assert admin_client.get(f"/admin/users/{user_id}").status_code == 404
    assert admin_client.submit(f"/admin/users/{user_id}/disable").status_code == 404


def test_the_largest_id_still_reaches_the_page(admin_client):
    assert admin_client.get(f"/admin/users/{2**31 - 1}").status_code == 404  # no such person, but looked up
    assert admin_client.get(f"/admin/users/{admin_client.user.id}").status_code == 200
