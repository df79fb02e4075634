import app as inventory


def test_healthz_reports_libpq():
    client = inventory.app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["libpq"][0].isdigit()


def test_add_item_needs_a_name():
    client = inventory.app.test_client()
    assert client.post("/items", json={}).status_code == 400
