"""A unit-conversion API on Flask, served by waitress."""

from flask import Flask, jsonify, request

app = Flask(__name__)

CONVERSIONS = {
    ("c", "f"): lambda v: v * 9 / 5 + 32,
    ("f", "c"): lambda v: (v - 32) * 5 / 9,
    ("km", "mi"): lambda v: v / 1.609344,
    ("mi", "km"): lambda v: v * 1.609344,
    ("kg", "lb"): lambda v: v / 0.45359237,
}


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/convert/<src>/<dst>")
def convert(src: str, dst: str):
    func = CONVERSIONS.get((src.lower(), dst.lower()))
    if func is None:
        return jsonify(error=f"cannot convert {src} to {dst}"), 404
    try:
        value = float(request.args["value"])
    except (KeyError, ValueError):
        return jsonify(error="value must be a number"), 400
    return jsonify(value=value, result=round(func(value), 4), unit=dst)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
