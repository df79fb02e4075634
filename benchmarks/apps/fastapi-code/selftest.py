"""Serves the app with uvicorn on a loopback port inside the container and calls two routes."""

import json
import threading
import time
import urllib.request

import uvicorn

from app.main import app


def call(method: str, url: str, payload: dict | None = None):
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as res:
        return res.status, json.loads(res.read())


def main() -> None:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=18000, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = "http://127.0.0.1:18000"
    status, created = call("POST", f"{base}/bookmarks", {"url": "https://example.com/docs", "title": "Docs", "tags": ["ref"]})
    _, fetched = call("GET", f"{base}/bookmarks/{created['id']}")
    print("selftest", status, created["id"], fetched["title"], fetched["url"])
    server.should_exit = True
    thread.join(timeout=5)


if __name__ == "__main__":
    main()
