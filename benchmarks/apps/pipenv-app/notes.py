"""A tiny notes service: Markdown in, HTML out (Bottle + Python-Markdown)."""

import os

import bottle
import markdown

app = bottle.Bottle()
NOTES: dict[str, str] = {}
RENDERER = markdown.Markdown(extensions=["fenced_code", "tables"], output_format="html")


def render(text: str) -> str:
    RENDERER.reset()
    return RENDERER.convert(text)


@app.get("/healthz")
def healthz():
    return {"status": "ok", "notes": len(NOTES)}


@app.put("/notes/<name>")
def save(name: str):
    NOTES[name] = bottle.request.body.read().decode("utf-8")
    bottle.response.status = 204


@app.get("/notes/<name>")
def show(name: str):
    if name not in NOTES:
        bottle.abort(404, "no such note")
    return render(NOTES[name])


@app.post("/preview")
def preview():
    return render(bottle.request.body.read().decode("utf-8"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
