from tests.conftest import page


def test_home_page_offers_to_start(client):
    response = client.get("/")
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == "Apply to the Communities Fund"
