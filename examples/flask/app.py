"""A small Flask service that reports whether its Postgres driver is usable."""

import psycopg2
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(service="flask-example", libpq=psycopg2.__libpq_version__)
