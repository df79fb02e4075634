"""The notebook as a service: runs the cells of analysis.ipynb tagged "service" (the functions)
and serves them with Flask. The notebook stays the place where the analysis is edited."""

import json
from pathlib import Path

from flask import Flask, abort, jsonify

HERE = Path(__file__).resolve().parent


def load_notebook(path: Path) -> dict:
    namespace: dict = {}
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code" and "service" in cell["metadata"].get("tags", []):
            exec(compile("".join(cell["source"]), f"{path.name}:cell", "exec"), namespace)
    return namespace


nb = load_notebook(HERE / "analysis.ipynb")
df = nb["load"](str(HERE / "data" / "sales.csv"))
app = Flask(__name__)


@app.get("/summary")
def summary():
    return jsonify(nb["summary"](df))


@app.get("/trend/<region>")
def trend(region: str):
    if region not in set(df["region"]):
        abort(404)
    return jsonify({"region": region, "units_per_month": nb["trend"](df, region)})


def selftest() -> str:
    client = app.test_client()
    s = client.get("/summary")
    t = client.get("/trend/east")
    return f"summary {s.status_code} top={s.get_json()['top_region']} months={s.get_json()['months']} trend {t.status_code} rising={t.get_json()['units_per_month'] > 0}"


if __name__ == "__main__":
    print(selftest())
