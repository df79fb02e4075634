"""A tiny bookmarks API on FastAPI (the layout of FastAPI's "FastAPI in Containers" guide)."""

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, HttpUrl

app = FastAPI(title="bookmarks")


class Bookmark(BaseModel):
    url: HttpUrl
    title: str
    tags: list[str] = []


BOOKMARKS: dict[int, Bookmark] = {}


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/bookmarks", status_code=201)
def add_bookmark(bookmark: Bookmark):
    bookmark_id = len(BOOKMARKS) + 1
    BOOKMARKS[bookmark_id] = bookmark
    return {"id": bookmark_id, **bookmark.model_dump(mode="json")}


@app.get("/bookmarks/{bookmark_id}")
def get_bookmark(bookmark_id: int):
    if bookmark_id not in BOOKMARKS:
        raise HTTPException(status_code=404, detail="no such bookmark")
    return BOOKMARKS[bookmark_id].model_dump(mode="json")
