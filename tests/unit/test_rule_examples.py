"""Every rule's documented examples are run: the bad one must trigger the rule, the good
one must not, and a fix (where offered) must make the finding go away."""

from __future__ import annotations

import pytest

from slimmer.parse import parse_file
from slimmer.rules import all_rules
from slimmer.rules.engine import analyze, apply_fixes

RULES = all_rules()
CASES = [(rid, i) for rid, r in RULES.items() for i, _ in enumerate(r.examples)]


def _write_example(tmp_path, example):
    for name, content in example.get("files", {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    path = tmp_path / "Dockerfile"
    path.write_text(example["dockerfile"].lstrip("\n"))
    return path


def _own(findings, rid):
    return [f for f in findings if f.rule.id == rid]


@pytest.mark.parametrize("rid,index", CASES, ids=[f"{r}-{i}" for r, i in CASES])
def test_example(tmp_path, rid, index):
    rule = RULES[rid]
    example = rule.examples[index]
    df = parse_file(_write_example(tmp_path, example))
    findings = _own(analyze(df), rid)
    if example["kind"] == "bad":
        assert findings, f"{rid}: the bad example did not trigger the rule"
        expected = example.get("lines")
        if expected:
            assert [f.line for f in findings] == expected
        fixable = [f for f in findings if f.fix]
        if fixable:
            text, applied = apply_fixes(df, fixable, unsafe=True)
            assert applied
            again = _own(analyze(parse_file(_write(tmp_path, text))), rid)
            assert len(again) < len(findings), f"{rid}: the fix did not remove the finding"
    else:
        assert not findings, f"{rid}: the good example triggered: {[f.message for f in findings]}"


def _write(tmp_path, text):
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    return path


def test_every_rule_is_complete():
    assert len(RULES) >= 4
    for rid, r in RULES.items():
        assert r.check is not None, f"{rid} has docs but no check"
        assert r.severity in ("info", "warning", "error"), rid
        assert r.category in ("size", "cache", "layers", "security", "correctness"), rid
        assert r.scope in ("final", "used", "all"), rid
        assert r.what.strip() and r.why.strip(), rid
        kinds = [e["kind"] for e in r.examples]
        assert "bad" in kinds and "good" in kinds, rid


def test_rule_ids_match_file_names():
    from importlib import resources

    for entry in resources.files("slimmer.catalog").iterdir():
        if entry.name.startswith("SLM"):
            assert entry.name == f"{entry.name[:6]}.toml"
            assert entry.name[:6] in RULES
