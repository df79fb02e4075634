"""Issue 10: analyze's cost grows linearly: scopes are shared views (not a dict copy per
instruction), the "does this stage ship" walk is done once, and the shell-parse cache is
bounded by the size of what it holds. benchmarks/growth.py measures the growth itself."""

from __future__ import annotations

import time
import tracemalloc

from slimmer.model import shell
from slimmer.model.graph import build_graph
from slimmer.model.scope import Scope
from slimmer.parse import parse_text
from slimmer.rules.context import Context


def test_scopes_are_shared_views_with_the_values_of_their_line():
    df = parse_text("FROM a\nARG A=1\nENV B=$A\nENV A=2\nRUN x\nARG A=3\nRUN y\n")
    ins = df.stages[0].instructions
    assert all(isinstance(i.scope, Scope) for i in ins)
    assert dict(ins[0].scope) == {}
    assert dict(ins[1].scope) == {"A": "1"}
    assert dict(ins[2].scope) == {"A": "1", "B": "1"}
    assert dict(ins[3].scope) == {"A": "2", "B": "1"}
    assert dict(ins[5].scope) == {"A": "2", "B": "1"}  # an ENV wins over a later ARG
    assert "B" in ins[3].scope and "B" not in ins[1].scope
    assert {"X": "0"} | ins[3].scope == {"X": "0", "A": "2", "B": "1"}
    assert ins[3].scope == {"A": "2", "B": "1"}


def test_ten_thousand_env_lines_take_linear_memory():
    def peak(n: int) -> int:
        text = "FROM a\n" + "".join(f"ENV V{i}=x{i}\n" for i in range(n))
        tracemalloc.start()
        df = parse_text(text)
        used = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert df.stages[0].instructions[-1].scope[f"V{n - 2}"] == f"x{n - 2}"
        return used

    small, large = peak(2500), peak(10000)
    assert large < 5 * small, (small, large)  # a copy per line made this ~16x (1.3 GB at 10k)


def test_the_shipping_walk_is_done_once_for_a_long_from_chain():
    n = 2000
    text = "FROM python:3.11-slim AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" for i in range(1, n))
    df = parse_text(text)
    ctx = Context(df, build_graph(df, None))
    start = time.perf_counter()
    for _ in range(30):  # every rule asks for the stages that ship
        shipped = ctx.stages_for("final")
    assert len(shipped) == n
    assert time.perf_counter() - start < 2.0  # was a walk of the chain per stage per call: ~40 s


def test_shell_cache_is_bounded_by_size():
    cache = shell._SizedCache(1000)
    for i in range(100):
        cache.put(f"echo {i} " + "x" * 90, ())
    assert cache.chars <= 1000 and len(cache.entries) <= 10
    cache.put("y" * 600, ())  # larger than a quarter of the bound: not kept
    assert cache.get("y" * 600) is None
    assert shell._CACHE.max_chars <= 4_000_000
    script = "pip install a && apt-get install -y b"
    assert shell.parse_commands(script) is shell.parse_commands(script)  # still a cache
