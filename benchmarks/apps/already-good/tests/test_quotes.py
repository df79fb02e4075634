from falcon import testing

import quotes


def test_quote_is_stable_for_a_day():
    client = testing.TestClient(quotes.app)
    first = client.simulate_get("/quote/2024-01-01").json
    assert first == client.simulate_get("/quote/2024-01-01").json
    assert first["author"]


def test_bad_date():
    assert testing.TestClient(quotes.app).simulate_get("/quote/yesterday").status_code == 400
