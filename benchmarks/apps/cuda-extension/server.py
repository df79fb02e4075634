"""A small JSON service around vecops: POST /saxpy {"a": 2, "x": [...], "y": [...]}."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import vecops


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        count, why = vecops.devices()
        self._reply(200, {"status": "ok", "devices": count, "why": why})

    def do_POST(self):
        if self.path != "/saxpy":
            return self._reply(404, {"error": "not found"})
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        result, where = vecops.saxpy(float(body["a"]), body["x"], body["y"])
        self._reply(200, {"y": result, "device": where})

    def _reply(self, code, payload):
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
