"""`slimmer bench`: build the original and the rewritten Dockerfile for real, side by side,
and measure size, layers, wasted bytes, cold build, warm rebuild after a source edit,
a smoke command, and how the two images differ."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

from slimmer.build import engine as eng
from slimmer.build import measure

SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".go", ".rb", ".php", ".java", ".rs")
MANIFESTS = {
    "setup.py", "conftest.py", "manage.py", "package.json", "go.mod", "go.sum", "pyproject.toml",
    "requirements.txt", "Pipfile", "poetry.lock", "jest.config.js", "tsconfig.json", "vite.config.js",
    "next.config.js", "webpack.config.js", "babel.config.js", ".eslintrc.js",
}  # fmt: skip
COMMENT = {".py": "#", ".rb": "#", ".go": "//", ".js": "//", ".mjs": "//", ".cjs": "//", ".ts": "//", ".php": "//", ".java": "//", ".rs": "//"}


@dataclass
class Smoke:
    command: list[str]
    entrypoint: list[str] | None = None  # None keeps the image's ENTRYPOINT
    expect: str | None = None
    timeout: float = 120

    @classmethod
    def from_toml(cls, path: str) -> Smoke:
        """A smoke.toml: command = [...], entrypoint = [...] (optional), expect, timeout."""
        import tomllib

        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
        return cls(list(doc.get("command", [])), doc.get("entrypoint"), doc.get("expect"), float(doc.get("timeout", 120)))


def pick_source_file(context: str) -> str | None:
    """An application source file to edit (not a manifest, not a test), nearest the top."""
    best = None
    for root, dirs, files in os.walk(context):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "tests", "test", "__pycache__", "dist", "build", "vendor"))
        depth = os.path.relpath(root, context).count(os.sep)
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES) or name in MANIFESTS or name.startswith("test") or ".test." in name or name.endswith("_test.go"):
                continue
            rel = os.path.relpath(os.path.join(root, name), context)
            if best is None or depth < best[0]:
                best = (depth, rel)
        if best is not None and depth > best[0]:
            break
    return best[1] if best else None


def edit_source(path: str) -> None:
    suffix = os.path.splitext(path)[1]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n{COMMENT.get(suffix, '#')} edited by slimmer bench {time.time_ns()}\n")


def _step_line(text: str, step: str | None) -> int | None:
    """The Dockerfile line of a failed step such as `[3/3] RUN exit 3`."""
    from slimmer.parse import parse_text

    if not step or "] " not in step:
        return None
    what = " ".join(step.split("] ", 1)[1].split())
    for ins in parse_text(text).instructions:
        if " ".join(f"{ins.keyword} {ins.logical.split(None, 1)[1] if ' ' in ins.logical else ''}".split()) == what:
            return ins.line
    return None


def _stand_in(engine, df) -> bool:
    for stage in df.stages:
        if stage.image is None or stage.image.is_scratch:
            continue
        try:
            labels = engine.images.get(stage.base).labels or {}
        except Exception:
            continue
        if labels.get("io.slimmer.stand-in") == "true":
            return True
    return False


def _config_diff(a: dict, b: dict) -> list[dict]:
    diffs = []
    for key in measure.CONFIG_KEYS:
        x, y = a.get(key), b.get(key)
        if key == "Labels":
            x = {k: v for k, v in (x or {}).items() if k != eng.LABEL}
            y = {k: v for k, v in (y or {}).items() if k != eng.LABEL}
        if key == "Env":
            x, y = sorted(x or []), sorted(y or [])
        if (x or None) != (y or None):
            diffs.append({"key": key, "before": x, "after": y})
    return diffs


def _tree_diff(a: dict, b: dict) -> dict:
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(p for p in set(a) & set(b) if (a[p].size, a[p].mode, a[p].kind) != (b[p].size, b[p].mode, b[p].kind))
    return {"only_before": only_a[:200], "only_after": only_b[:200], "changed": changed[:200],
            "counts": {"only_before": len(only_a), "only_after": len(only_b), "changed": len(changed)}}


def run_bench(
    dockerfile: str,
    context: str,
    rewritten_text: str,
    smoke: Smoke | None,
    repeat: int = 3,
    builder: str | None = None,
    progress: Callable[[str], None] | None = None,
    verify: bool = True,
) -> dict:
    from slimmer.parse import parse_file

    df = parse_file(dockerfile)
    engine = eng.client()
    engine_info = eng.describe(engine, builder)
    run_id = eng.new_run_id()
    labels = {eng.LABEL: run_id}
    say = progress or (lambda _msg: None)
    work = tempfile.mkdtemp(prefix="slimmer-bench-")
    variants = {"before": None, "after": None}
    try:
        files = {}
        with open(dockerfile, encoding="utf-8", newline="") as fh:
            original_text = fh.read()
        for name, text in (("before", original_text), ("after", rewritten_text)):
            path = os.path.join(work, f"{name}.Dockerfile")
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            files[name] = path
        edited = pick_source_file(context)
        cold: dict[str, list[float]] = {"before": [], "after": []}
        warm: dict[str, list[float]] = {"before": [], "after": []}
        tags = {}
        for r in range(repeat):
            for name in ("before", "after"):  # side by side: the same load for both
                ctx_copy = os.path.join(work, f"ctx-{name}-{r}")
                shutil.copytree(context, ctx_copy, symlinks=True)
                tag = f"slimmer-bench/{run_id}-{name}:cold"
                start = time.perf_counter()

                def step(msg: str, name=name, r=r, start=start) -> None:
                    say(f"{name} {r + 1}/{repeat} cold  {time.perf_counter() - start:5.1f}s {msg}")

                try:
                    result = eng.build(ctx_copy, files[name], tag, labels, no_cache=True, builder=builder, progress=step)
                except eng.BuildFailed as failed:
                    label = dockerfile if name == "before" else f"{dockerfile} (rewritten)"
                    text = original_text if name == "before" else rewritten_text
                    raise eng.BuildFailed(label, failed.step, _step_line(text, failed.step), failed.tail) from None
                cold[name].append(result.seconds)
                tags[name] = tag
                if edited:
                    edit_source(os.path.join(ctx_copy, edited))
                    start = time.perf_counter()

                    def wstep(msg: str, name=name, r=r, start=start) -> None:
                        say(f"{name} {r + 1}/{repeat} warm  {time.perf_counter() - start:5.1f}s {msg}")

                    result = eng.build(ctx_copy, files[name], f"slimmer-bench/{run_id}-{name}:warm", labels, builder=builder, progress=wstep)
                    warm[name].append(result.seconds)
                shutil.rmtree(ctx_copy, ignore_errors=True)
        report: dict = {"dockerfile": dockerfile, "context": context, "edited_file": edited, "repeat": repeat}
        report["engine"] = engine_info.as_dict()
        report["run_id"] = run_id  # the value of the io.slimmer.run label on what this run made
        trees = {}
        for name in ("before", "after"):
            say(f"measuring {name}")
            info = measure.inspect(engine, tags[name])
            content = measure.contents(engine, tags[name])
            trees[name] = measure.app_tree(content.tree, info["config"].get("WorkingDir"))
            smoke_result = None
            if smoke:
                smoke_result = measure.smoke(engine, tags[name], smoke.entrypoint, smoke.command, smoke.expect, run_id, eng.LABEL, smoke.timeout)
            variants[name] = info
            report[name] = {
                "image_size_bytes": info["size"],
                "layers": info["layers"],
                "wasted_bytes": content.wasted_bytes,
                "efficiency": round(content.efficiency, 4),
                "cold_build_s": round(statistics.median(cold[name]), 3),
                "warm_rebuild_s": round(statistics.median(warm[name]), 3) if warm[name] else None,
                "cold_build_runs_s": [round(x, 3) for x in cold[name]],
                "warm_rebuild_runs_s": [round(x, 3) for x in warm[name]],
                "smoke": None if smoke_result is None else {
                    "ok": smoke_result.ok, "exit_code": smoke_result.exit_code, "output": smoke_result.output[-500:],
                },
                "layer_sizes": [{"size": layer.size, "created_by": layer.created_by[:160]} for layer in info["history"]],
            }
        b, a = report["before"], report["after"]

        def ratio(key: str) -> float | None:
            return round(a[key] / b[key], 6) if a.get(key) and b.get(key) else None

        report["ratios"] = {"image_size": ratio("image_size_bytes"), "cold_build": ratio("cold_build_s"), "warm_rebuild": ratio("warm_rebuild_s")}
        report["equivalence"] = {
            "config": _config_diff(variants["before"]["config"], variants["after"]["config"]),
            "files": _tree_diff(trees["before"], trees["after"]),
        }
        if verify:  # the smoke ran above; verify adds the checks nobody has to write
            from slimmer.verify import verify_images

            say("verifying after against before")
            report["verify"] = verify_images(engine, tags["before"], tags["after"], run_id=run_id).to_dict()
        report["stand_in_base_images"] = _stand_in(engine, df)
        report["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
        report["rewritten"] = rewritten_text
        return report
    finally:
        eng.cleanup(engine, run_id)
        shutil.rmtree(work, ignore_errors=True)
