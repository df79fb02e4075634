"""A word-of-the-day API on Flask, run by gunicorn from the app user's own virtualenv."""

import datetime
import sys

from flask import Flask, jsonify

app = Flask(__name__)

WORDS = ["lean", "layer", "stage", "cache", "slim", "build", "ship"]


def word_for(day: datetime.date) -> str:
    return WORDS[day.toordinal() % len(WORDS)]


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", prefix=sys.prefix)


@app.get("/word/<day>")
def word(day: str):
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    return jsonify(day=date.isoformat(), word=word_for(date))
