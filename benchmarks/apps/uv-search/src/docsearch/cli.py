import sys

from flask import Flask, jsonify, request

from docsearch.index import search

app = Flask(__name__)


@app.get("/search")
def search_route():
    return jsonify({"hits": search(request.args.get("q", ""), k=int(request.args.get("k", 1)))})


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "serve":
        app.run(host="0.0.0.0", port=8000)
        return
    r = app.test_client().get("/search", query_string={"q": " ".join(args) or "hello"})
    name, score = r.get_json()["hits"][0]
    print(f"search {r.status_code} -> {name} ({score})")
