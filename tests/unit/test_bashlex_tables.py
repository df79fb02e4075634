"""bashlex imported with cached parser tables parses exactly as a plain `import bashlex`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPTS = [
    "set -eux; apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*",
    'sh -c "pip install x" | tee log; echo $(date) || true',
    "for f in a b; do echo $f; done && if [ -f x ]; then python -m pip install -r requirements.txt; fi",
    "A=1 B=2 env C=3 npm ci --omit=dev > /dev/null 2>&1 &",
    "cat <<EOF > /x\nhello\nEOF",
]

DUMP = """
import json, sys
{setup}
out = []
for s in json.loads(sys.argv[1]):
    try:
        out.append([p.dump() for p in bashlex.parse(s)])
    except Exception as exc:
        out.append(type(exc).__name__)
print(json.dumps(out))
"""


def run(setup: str, env: dict) -> list:
    code = DUMP.format(setup=setup)
    result = subprocess.run([sys.executable, "-c", code, json.dumps(SCRIPTS)], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)


def test_cached_tables_parse_like_plain_bashlex(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    plain = run("import bashlex", env)
    cached = "from slimmer.model.bashlex_tables import import_bashlex; bashlex = import_bashlex()"
    first = run(cached, env)  # builds the tables and stores them
    assert list((tmp_path / "slimmer").glob("bashlex-tables-*.marshal"))
    second = run(cached, env)  # reads them
    assert first == plain
    assert second == plain


def test_unreadable_cache_falls_back(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    cached = "from slimmer.model.bashlex_tables import import_bashlex; bashlex = import_bashlex()"
    run(cached, env)
    for table in (tmp_path / "slimmer").glob("bashlex-tables-*.marshal"):
        table.write_bytes(b"not a cache entry")
    assert run(cached, env) == run("import bashlex", env)
