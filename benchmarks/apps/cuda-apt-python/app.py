"""Flask API: GET /similar/<item> -> the two most similar items of the catalog."""

import sys

import torch
from flask import Flask, abort, jsonify

import recommender

app = Flask(__name__)


@app.get("/similar/<item>")
def similar(item: str):
    if item not in recommender.CATALOG:
        abort(404)
    return jsonify({"item": item, "similar": recommender.similar(item)})


def selftest() -> str:
    r = app.test_client().get("/similar/gpu-server")
    return f"similar {r.status_code} {' '.join(r.get_json()['similar'])} cuda={torch.cuda.is_available()}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        print(selftest())
    else:
        app.run(host="0.0.0.0", port=8080)
