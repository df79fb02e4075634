"""Issue 8, class J: fixes are positioned edits applied by one loop (sorted, overlaps
skipped, repeated to a fixed point) shared by `analyze --fix` and the rewrite's hygiene
pass; a fix lands on the command that was flagged; a loop that cannot finish is an
internal error, never a silent stop."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from slimmer.cli import main
from slimmer.errors import InternalError
from slimmer.parse import parse_file, parse_text
from slimmer.rules import Edit, Fix
from slimmer.rules.context import Context
from slimmer.rules.engine import Settings, analyze, apply_fixes, fix_to_fixed_point
from slimmer.model.graph import build_graph

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "dockerfiles").glob("*.Dockerfile"))
# Rules whose fix edits one command of a RUN (the others append to the RUN or edit FROM/ADD).
COMMAND_RULES = {"SLM002", "SLM005", "SLM007", "SLM010", "SLM015"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_pip_upgrade_then_install_gets_no_cache_dir_once_each(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM python:3.11-slim\nRUN pip install --upgrade pip && pip install -r requirements.txt\n")
    result = run("analyze", p, "--fix", "--select", "SLM010")
    assert result.exit_code == 0, result.stderr
    assert p.read_text() == ("FROM python:3.11-slim\n"
                             "RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -r requirements.txt\n")
    before = p.read_text()
    assert run("analyze", p, "--fix", "--select", "SLM010").exit_code == 0
    assert p.read_text() == before  # a fixed point


def test_several_apt_get_installs_in_one_run_converge(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends a \\\n"
                 "    && apt-get install -y b && apt-get install -y c && rm -rf /var/lib/apt/lists/*\n")
    result = run("analyze", p, "--fix", "--unsafe-fixes", "--select", "SLM002")
    assert result.exit_code == 0, result.stderr
    text = p.read_text()
    assert text.count("--no-install-recommends") == 3
    assert "apt-get install --no-install-recommends -y b" in text and "apt-get install --no-install-recommends -y c" in text


def test_the_rewrite_hygiene_pass_converges_on_the_same_shapes(tmp_path):
    text = "FROM python:3.11-slim\nRUN pip install --upgrade pip && pip install flask\nCMD [\"flask\", \"run\"]\n"
    from slimmer.rewrite import Options, rewrite

    opts = Options(skip={"split"})
    result = rewrite(parse_text(text), opts)
    assert result.text.count("--no-cache-dir") == 2
    assert "pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir flask" in result.text
    assert rewrite(parse_text(result.text), opts).text == result.text  # idempotent


def test_the_fix_lands_on_the_flagged_command_not_the_first_match():
    df = parse_text("FROM python:3.11-slim\nRUN pip install --no-cache-dir a && pip install b\n")
    [finding] = [f for f in analyze(df, Settings(select={"SLM010"}))]
    [edit] = finding.fix.edits
    raw = edit.instruction.raw
    assert raw[edit.start:edit.end] == "pip install" and raw.index("pip install b") == edit.start


def test_positions_map_through_continuations_and_comment_lines():
    text = ("FROM python:3.11-slim\nRUN pip install --no-cache-dir a \\\n# pip install commented\n"
            "    && echo x \\\n    && pip install b\n")
    df = parse_text(text)
    out, applied = apply_fixes(df, analyze(df, Settings(select={"SLM010"})))
    assert len(applied) == 1
    assert out == text.replace("&& pip install b", "&& pip install --no-cache-dir b")


def _fake(ins, start, end, new):
    from slimmer.rules import all_rules

    rule = all_rules()["SLM010"]
    return rule.finding(ins, "x", Fix((Edit(ins, start, end, new),), "safe", "fake"))


def test_overlapping_edits_are_skipped_for_the_pass():
    df = parse_text("FROM a\nRUN echo hello world\n")
    ins = df.instructions[1]
    first = _fake(ins, 4, 8, "ECHO")
    overlapping = _fake(ins, 6, 10, "XX")
    same_point = _fake(ins, 4, 4, "sudo ")  # an insertion where `first` starts: order undefined... but no overlap
    later = _fake(ins, 15, 20, "WORLD")
    text, applied = apply_fixes(df, [later, overlapping, first])
    assert applied == [first, later]
    assert text == "FROM a\nRUN ECHO hello WORLD\n"
    text, applied = apply_fixes(df, [same_point, _fake(ins, 4, 4, "env ")])
    assert len(applied) == 1


def test_a_fix_that_does_not_remove_its_finding_is_an_internal_error(tmp_path, monkeypatch):
    """A rule whose fix leaves the finding in place would loop for ever: the loop stops and
    says it is slimmer's bug, and nothing is written."""
    from slimmer.rules import all_rules

    rule = all_rules()["SLM010"]
    original = rule.check

    def stubborn(ctx, r):
        for f in original(ctx, r):
            ins = next(i for i in ctx.dockerfile.instructions if i.line == f.line)
            f.fix = Fix((Edit(ins, len(ins.raw.rstrip("\n")), len(ins.raw.rstrip("\n")), " "),), "safe", "pad")
            yield f

    monkeypatch.setattr(rule, "check", stubborn)
    p = tmp_path / "Dockerfile"
    text = "FROM python:3.11-slim\nRUN pip install flask\n"
    p.write_text(text)
    with pytest.raises(InternalError, match="did not converge"):
        fix_to_fixed_point(parse_file(p), Settings(select={"SLM010"}))
    result = run("analyze", p, "--fix", "--select", "SLM010")
    assert result.exit_code == 3
    assert "internal error in slimmer" in result.stderr and "did not converge" in result.stderr
    assert p.read_text() == text


def test_fixes_that_undo_each_other_are_an_internal_error(monkeypatch):
    from slimmer.rules import all_rules

    rule = all_rules()["SLM010"]

    def flip(ctx, r):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword == "RUN":
                i = ins.raw.index("a") if "a" in ins.raw.split(" ", 1)[1] else ins.raw.index("b")
                new = "b" if ins.raw[i] == "a" else "a"
                yield r.finding(ins, "flip", Fix((Edit(ins, i, i + 1, new),), "safe", "flip"))

    monkeypatch.setattr(rule, "check", flip)
    with pytest.raises(InternalError, match="undo each other"):
        fix_to_fixed_point(parse_text("FROM x\nRUN a\n"), Settings(select={"SLM010"}))


def _command_ranges(ins):
    """The raw ranges of the RUN's commands that have known places."""
    ctx = Context(parse_text("FROM scratch\n"), None)  # commands() needs no graph
    out = []
    for c in ctx.commands(ins):
        if c.span:
            r = ins.raw_span(c.script, c.span[0], c.span[1], verbatim=False)
            if r:
                out.append(r)
    return out


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fix_converges_and_changes_only_flagged_commands(path, unsafe):
    df = parse_file(path)
    try:
        build_graph(df, None)
    except Exception:
        pytest.skip("a fixture whose graph does not resolve (tested as such elsewhere)")  # pragma: no cover
    settings = Settings()
    findings = analyze(df, settings)
    for _ in range(16):
        text, applied = apply_fixes(df, findings, unsafe)
        if not applied:
            break
        edited = {}
        for f in applied:
            for e in f.fix.edits:
                assert e.instruction.line == f.line or e.instruction.keyword == "FROM", (f.rule.id, f.line)
                edited.setdefault(id(e.instruction), []).append(e)
                if f.rule.id in COMMAND_RULES and e.instruction.keyword == "RUN":
                    ranges = _command_ranges(e.instruction)
                    if ranges:  # the edit lies inside one command of the RUN
                        assert any(a <= e.start and e.end <= b for a, b in ranges), (f.rule.id, e)
        new = parse_text(text, df.path)
        # every node without an applied edit is byte for byte what it was
        old_nodes = [n.raw for n in df.nodes if id(n) not in edited]
        assert len(new.nodes) == len(df.nodes)
        assert [m.raw for n, m in zip(df.nodes, new.nodes) if id(n) not in edited] == old_nodes
        df = new
        findings = analyze(df, settings)
    else:
        pytest.fail("--fix did not converge in 16 passes")
    # and the shared loop agrees: a fixed point, no internal error
    fixed, left, done = fix_to_fixed_point(parse_file(path), settings, unsafe)
    assert fixed.render() == df.render()
    assert not [f for f in left if f.fix and (unsafe or f.fix.safety == "safe")]
