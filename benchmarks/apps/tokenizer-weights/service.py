"""Sentiment service: a tokenizer (tokenizers, weights/tokenizer.json) and a bag-of-words model
(weights/sentiment.npz, numpy) read from MODEL_DIR at start-up; Flask + gunicorn."""

import os
import sys

import numpy as np
from flask import Flask, jsonify, request
from tokenizers import Tokenizer

MODEL_DIR = os.environ.get("MODEL_DIR", "weights")
tokenizer = Tokenizer.from_file(os.path.join(MODEL_DIR, "tokenizer.json"))
_weights = np.load(os.path.join(MODEL_DIR, "sentiment.npz"))
EMBEDDINGS, CLASSIFIER, BIAS = _weights["embeddings"], _weights["classifier"], _weights["bias"]
LABELS = ("negative", "positive")
app = Flask(__name__)


def classify(text: str) -> tuple[str, list[str], float]:
    encoding = tokenizer.encode(text)
    logits = EMBEDDINGS[encoding.ids].mean(axis=0) @ CLASSIFIER + BIAS
    p = np.exp(logits - logits.max())
    p /= p.sum()
    return LABELS[int(p.argmax())], encoding.tokens, round(float(p.max()), 3)


@app.post("/classify")
def classify_route():
    label, tokens, confidence = classify(request.get_json()["text"])
    return jsonify({"label": label, "tokens": tokens, "confidence": confidence})


if __name__ == "__main__":
    client = app.test_client()
    for text in sys.argv[1:] or ["a lean and fast image"]:
        r = client.post("/classify", json={"text": text})
        body = r.get_json()
        print(f"{r.status_code} {' '.join(body['tokens'])} -> {body['label']}")
