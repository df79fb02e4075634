"""HTTP front end for the classifier."""

from flask import Flask, jsonify, request

import predict

app = Flask(__name__)
model = predict.load()


@app.post("/classify")
def classify():
    text = (request.get_json(silent=True) or {}).get("text", "")
    return jsonify(text=text, label=predict.classify(text, model))


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
