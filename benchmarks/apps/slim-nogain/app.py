"""A feature-flag service on Bottle: flags from flags.json, with percentage rollouts."""

import hashlib
import json
from pathlib import Path

import bottle

FLAGS = json.loads((Path(__file__).resolve().parent / "flags.json").read_text())
app = bottle.Bottle()


def enabled(flag: str, user: str) -> bool:
    rule = FLAGS.get(flag)
    if rule is None:
        return False
    bucket = int(hashlib.sha256(f"{flag}:{user}".encode()).hexdigest(), 16) % 100
    return bucket < rule["rollout"]


@app.get("/healthz")
def healthz():
    return {"status": "ok", "flags": len(FLAGS)}


@app.get("/flags/<flag>/<user>")
def flag_for(flag: str, user: str):
    if flag not in FLAGS:
        bottle.response.status = 404
        return {"error": "unknown flag"}
    return {"flag": flag, "user": user, "enabled": enabled(flag, user)}


if __name__ == "__main__":
    bottle.run(app, host="0.0.0.0", port=8080)
