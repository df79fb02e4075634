"""HTTP API of the kata runner (Flask)."""

from flask import Flask, jsonify, request

import runner

app = Flask(__name__)


@app.post("/katas/<name>/check")
def check(name):
    source = request.get_data(as_text=True)
    return jsonify(kata=name, passed=runner.check_kata(name, source))


@app.post("/run")
def run():
    return jsonify(runner.compile_and_run(request.get_data(as_text=True)))


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", limits=runner.load_limits())
