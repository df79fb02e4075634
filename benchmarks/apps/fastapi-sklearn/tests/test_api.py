from fastapi.testclient import TestClient

import main


def test_predicts_setosa():
    client = TestClient(main.app)
    response = client.post(
        "/predict",
        json={"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    )
    assert response.status_code == 200
    assert response.json() == {"species": "setosa"}


def test_rejects_negative_sizes():
    client = TestClient(main.app)
    response = client.post(
        "/predict",
        json={"sepal_length": -1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    )
    assert response.status_code == 422
