"""Every rewrite case (tests/rewrite/cases.py): the output and --explain are the reviewed
ones, the case's own assertions hold, refusals name their reason, and a rewrite of the
output changes nothing."""

from __future__ import annotations

import pytest

from slimmer.parse import parse_text
from slimmer.rewrite import Options, rewrite

from cases import CASES, load, run, update_requested


@pytest.mark.parametrize("name", CASES)
def test_case(name):
    case = load(name)
    code, text, explain = run(case)
    assert code == 0, explain
    if update_requested():
        (case.dir / "expected.Dockerfile").write_text(text)
        (case.dir / "expected.explain").write_text(explain)
    assert text == (case.dir / "expected.Dockerfile").read_text()
    assert explain == (case.dir / "expected.explain").read_text()
    if case.refused:
        assert "not split: " in explain and case.refused in explain.split("not split: ", 1)[1]
    else:
        assert "not split" not in explain
        assert "AS " in text and text.count("\nFROM ") + text.startswith("FROM ") >= 2
    for snippet in case.contains:
        assert snippet in text, snippet
    for snippet in case.absent:
        assert snippet not in text, snippet
    for note in case.notes:
        assert note in explain, note


@pytest.mark.parametrize("name", CASES)
def test_case_is_idempotent(name):
    case = load(name)
    _, text, _ = run(case)
    skip = set(case.args[i + 1] for i, a in enumerate(case.args) if a == "--skip")
    again = rewrite(parse_text(text, str(case.dockerfile)), Options(skip=skip))
    assert again.text == text


def test_every_pass_has_a_skip_case():
    from slimmer.rewrite import PASSES

    skipped = {a for name in CASES for i, a in enumerate(load(name).args) if i and load(name).args[i - 1] == "--skip"}
    assert skipped == set(PASSES)


def test_cli_skip_choices_are_the_pass_registry():
    from slimmer.cli import rewrite as rewrite_command
    from slimmer.rewrite import PASSES

    option = next(p for p in rewrite_command.params if p.name == "skip")
    assert set(option.type.choices) == set(PASSES)


def test_every_defect_class_has_a_case():
    classes = {name.split("-", 1)[0] for name in CASES}
    assert set("abcdefghik") <= classes
