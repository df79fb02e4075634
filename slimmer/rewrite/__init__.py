"""Rewrite a Dockerfile into a lean multi-stage build: model + graph + findings -> a plan
of transformations -> rendered Dockerfile.

Untouched instructions and comments keep their exact text. The output is parsed again
before it is trusted (as black re-parses what it formats), and rewriting it again
changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slimmer.errors import InternalError, SlimmerError
from slimmer.model.graph import build_graph
from slimmer.model.nodes import Dockerfile
from slimmer.parse import parse_text
from slimmer.rewrite.plan import (
    PASSES,
    TRANSFORMS,
    Change,
    Options,
    Piece,
    Refuse,
    Splitter,
    exec_form,
)
from slimmer.rules.context import Context
from slimmer.rules.engine import Settings, fix_to_fixed_point

# Safe fixes the rewrite applies to the stages that ship (layer hygiene).
HYGIENE_RULES = {"SLM003", "SLM005", "SLM006", "SLM010", "SLM013", "SLM022"}


@dataclass
class RewriteResult:
    original: str
    text: str
    changes: list[Change]
    notes: list[Change]  # what was left alone, and why
    split: bool

    @property
    def changed(self) -> bool:
        return self.text != self.original


def _is_single_stage(df: Dockerfile, ctx: Context) -> bool:
    target = ctx.target
    if target.base_stage is not None or target.image is None or target.image.is_scratch:
        return False
    return not any(e.target == target.index and isinstance(e.source, int) for e in ctx.graph.edges)


def _fix_pass(text: str, path: str, settings: Settings, unsafe: bool, changes: list[Change], rewritten: bool) -> str:
    # The same apply loop as `analyze --fix`; a failure to converge is an InternalError.
    df, _, applied = fix_to_fixed_point(parse_text(text, path), settings, unsafe)
    for f in applied:
        if rewritten:  # the line is the rewritten file's, not the user's
            changes.append(Change("hygiene", None, f"{f.rule.id}: {f.fix.description} (line {f.line} of the output)"))
        else:
            changes.append(Change("hygiene", f.line, f"{f.rule.id}: {f.fix.description}"))
    return df.render()


def _hygiene(text: str, path: str, opts: Options, changes: list[Change], rewritten: bool = False) -> str:
    if "hygiene" not in opts.skip:
        text = _fix_pass(text, path, Settings(select=set(HYGIENE_RULES), target=opts.target), False, changes, rewritten)
    if opts.cpu_only:
        # The user confirmed no GPU is needed: torch comes from the CPU index wherever it
        # is installed (the builder included), an unsafe fix applied on request only.
        text = _fix_pass(text, path, Settings(select={"SLM015"}, target=opts.target, all_stages=True), True, changes, rewritten)
    return text


def _exec_forms(text: str, path: str, changes: list[Change]) -> str:
    df = parse_text(text, path)
    final = df.stages[-1]
    replaced = {}
    for ins in final.instructions:
        if ins.keyword in ("CMD", "ENTRYPOINT"):
            new = exec_form(ins)
            if new:
                eol = re.search(r"\r?\n$", ins.raw)
                replaced[id(ins)] = new + (eol.group(0) if eol else "")
                changes.append(Change("exec-form", ins.line, f"{ins.keyword} in exec form: the app gets signals as PID 1"))
    return df.bom + "".join(replaced.get(id(n), n.raw) for n in df.nodes)


def rewrite(df: Dockerfile, opts: Options | None = None, _self_check: bool = True) -> RewriteResult:
    opts = opts or Options()
    original = df.render()
    graph = build_graph(df, opts.target)
    ctx = Context(df, graph)
    changes: list[Change] = []
    notes: list[Change] = []
    split = False
    text = original
    if _is_single_stage(df, ctx) and len([s for s in df.stages if graph.reaches_target(s.index)]) == 1:
        splitter = Splitter(df, ctx, opts)
        try:
            pieces: list[Piece] = splitter.plan()
        except Refuse as why:
            notes.append(Change("split", None, f"not split: {why}"))
            notes.extend(splitter.notes)
        else:
            text = df.bom + "".join(p.text for p in pieces)
            changes.extend(splitter.changes)
            notes.extend(splitter.notes)
            split = True
    else:
        notes.append(Change("split", None, "already multi-stage: only hygiene fixes on the stages that ship"))
    text = _hygiene(text, df.path, opts, changes, rewritten=split)
    if opts.exec_form:
        text = _exec_forms(text, df.path, changes)
    # The output must parse and resolve before anyone sees it, and rewriting it again must
    # change nothing (as black checks its own output).
    try:
        again = parse_text(text, df.path)
        build_graph(again, None)
    except SlimmerError as exc:  # a bug in a transformation, not in the user's file: its lines are not blamed
        raise InternalError(f"the rewritten Dockerfile does not parse ({exc.message})", df.path) from None
    if _self_check and text != original:
        if rewrite(again, opts, _self_check=False).text != text:
            raise InternalError("rewriting the output again changes it (the rewrite is not idempotent)", df.path)
    return RewriteResult(original, text, changes, notes, split)


__all__ = ["rewrite", "Options", "RewriteResult", "PASSES", "TRANSFORMS"]
