"""Serves wine-class predictions over HTTP (stdlib server) from the model trained at build time.

`python serve.py --selftest` predicts one sample from the dataset without opening a port.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import joblib

MODEL = Path(__file__).resolve().parent / "model" / "wine.joblib"
BUNDLE = joblib.load(MODEL)


def predict(features: list[float]) -> str:
    label = BUNDLE["model"].predict([features])[0]
    return BUNDLE["classes"][label]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        if self.path != "/predict":
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        answer = json.dumps({"class": predict(body["features"])}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(answer)


def selftest() -> None:
    from sklearn.datasets import load_wine

    data = load_wine()
    print("selftest", len(BUNDLE["features"]), "features", predict(list(data.data[0])), predict(list(data.data[-1])))


if __name__ == "__main__":
    if "--selftest" in sys.argv:
        selftest()
    else:
        HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
