"""Flask service: POST /predict {"points": [[x, y], ...]} -> the spiral arm of each point."""

import torch
from flask import Flask, jsonify, request

from model import SpiralNet, spirals

net = SpiralNet()
net.load_state_dict(torch.load("model.pt", weights_only=True))
net.eval()
app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"status": "ok", "torch": torch.__version__}


@app.post("/predict")
def predict():
    points = torch.tensor(request.get_json()["points"], dtype=torch.float32)
    with torch.no_grad():
        labels = net(points).argmax(1).tolist()
    return jsonify({"labels": labels})


def selftest() -> str:
    x, y = spirals(n=50, seed=1)
    client = app.test_client()
    response = client.post("/predict", json={"points": x.tolist()})
    labels = torch.tensor(response.get_json()["labels"])
    accuracy = (labels == y).float().mean().item()
    return f"predict {response.status_code} accuracy>=0.9 {accuracy >= 0.9}"


if __name__ == "__main__":
    print(selftest())
