"""An upload gate: sniffs the real type of an uploaded file with libmagic and refuses the ones
that do not match an allow-list, whatever their name says."""

import magic
from flask import Flask, jsonify, request

app = Flask(__name__)

ALLOWED = {"image/png", "application/pdf", "text/plain"}


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/sniff")
def sniff():
    upload = request.files.get("file")
    if upload is None:
        return jsonify(error="send a file field"), 400
    head = upload.stream.read(4096)
    mime = magic.from_buffer(head, mime=True)
    status = 200 if mime in ALLOWED else 415
    return jsonify(name=upload.filename, type=mime, allowed=status == 200), status
