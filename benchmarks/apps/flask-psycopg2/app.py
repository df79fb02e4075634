"""A small inventory API: Flask in front of PostgreSQL through psycopg2."""

import os

import psycopg2
import psycopg2.extras
from flask import Flask, abort, jsonify, request

app = Flask(__name__)


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "postgresql://inventory:inventory@db:5432/inventory")


def connect():
    return psycopg2.connect(database_url(), connect_timeout=3)


def libpq_version() -> str:
    """libpq's version as major.minor (psycopg2 reports e.g. 150008 for 15.8)."""
    version = psycopg2.__libpq_version__
    return f"{version // 10000}.{version % 10000}"


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", psycopg2=psycopg2.__version__.split()[0], libpq=libpq_version())


@app.get("/items")
def list_items():
    with connect() as conn, conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute("SELECT id, name, quantity FROM items ORDER BY id")
        return jsonify(cur.fetchall())


@app.post("/items")
def add_item():
    payload = request.get_json(silent=True) or {}
    name = str(payload.get("name", "")).strip()
    if not name:
        abort(400, "name is required")
    quantity = int(payload.get("quantity", 0))
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO items (name, quantity) VALUES (%s, %s) RETURNING id", (name, quantity)
        )
        (item_id,) = cur.fetchone()
    return jsonify(id=item_id, name=name, quantity=quantity), 201


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
