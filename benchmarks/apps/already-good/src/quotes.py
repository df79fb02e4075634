"""Quote-of-the-day API on Falcon."""

import datetime as dt
import hashlib

import falcon

QUOTES = [
    ("Simplicity is prerequisite for reliability.", "Edsger W. Dijkstra"),
    ("Make it work, make it right, make it fast.", "Kent Beck"),
    ("Premature optimization is the root of all evil.", "Donald Knuth"),
    ("Deleted code is debugged code.", "Jeff Sickel"),
]


def quote_for(day: dt.date) -> dict:
    index = int(hashlib.sha256(day.isoformat().encode()).hexdigest(), 16) % len(QUOTES)
    text, author = QUOTES[index]
    return {"date": day.isoformat(), "text": text, "author": author}


class QuoteResource:
    def on_get(self, req, resp, day=None):
        try:
            when = dt.date.fromisoformat(day) if day else dt.date.today()
        except ValueError:
            raise falcon.HTTPBadRequest(title="bad date", description="use YYYY-MM-DD")
        resp.media = quote_for(when)


class HealthResource:
    def on_get(self, req, resp):
        resp.media = {"status": "ok", "quotes": len(QUOTES)}


app = falcon.App()
app.add_route("/healthz", HealthResource())
app.add_route("/quote", QuoteResource())
app.add_route("/quote/{day}", QuoteResource())
