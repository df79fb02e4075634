from webtest import TestApp

import notes


def test_preview_renders_markdown():
    client = TestApp(notes.app)
    response = client.post("/preview", "# Title\n\n*hi*")
    assert "<h1>Title</h1>" in response.text
    assert "<em>hi</em>" in response.text


def test_notes_round_trip():
    client = TestApp(notes.app)
    client.put("/notes/todo", "- [ ] ship it", status=204)
    assert "<li>" in client.get("/notes/todo").text
    client.get("/notes/missing", status=404)
