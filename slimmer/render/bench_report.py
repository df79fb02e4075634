"""Bench results as a terminal table, JSON, or markdown for a PR comment."""

from __future__ import annotations

import json


def human(n: float | int | None) -> str:
    if n is None:
        return "–"
    n = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def seconds(s: float | None) -> str:
    return "–" if s is None else f"{s:.2f} s"


def ratio(r: float | None) -> str:
    return "–" if r is None else f"{r:.2f}×"


def smoke_text(s: dict | None) -> str:
    if s is None:
        return "not run"
    return "ok" if s["ok"] else f"FAILED (exit {s['exit_code']})"


def rows(report: dict) -> list[list[str]]:
    b, a, r = report["before"], report["after"], report["ratios"]
    return [
        ["image size", human(b["image_size_bytes"]), human(a["image_size_bytes"]), ratio(r["image_size"])],
        ["layers", str(b["layers"]), str(a["layers"]), ""],
        ["wasted bytes", human(b["wasted_bytes"]), human(a["wasted_bytes"]), ""],
        ["cold build (median)", seconds(b["cold_build_s"]), seconds(a["cold_build_s"]), ratio(r["cold_build"])],
        ["warm rebuild after a source edit (median)", seconds(b["warm_rebuild_s"]), seconds(a["warm_rebuild_s"]), ratio(r["warm_rebuild"])],
        ["smoke", smoke_text(b["smoke"]), smoke_text(a["smoke"]), ""],
    ]


def engine_text(report: dict) -> str | None:
    """Which engine, API version and BuildKit path the bench ran on (None for older reports)."""
    e = report.get("engine")
    if not e:
        return None
    host = e.get("host") or ""
    where = "the local socket" if host.startswith("unix://") or not host else host
    kit = f"BuildKit {e['buildkit']}" if e.get("buildkit") else "BuildKit"
    via = f"buildx builder {e['builder']} ({e.get('builder_driver') or 'driver unknown'})" if e.get("builder") else e.get("build", "")
    return f"{e.get('engine', 'engine')} {e.get('version', '?')} (API {e.get('api_version', '?')}) at {where}; {kit} via {via}"


def to_table(report: dict) -> str:
    from tabulate import tabulate  # slow to import: only bench output needs it

    text = tabulate(rows(report), headers=["", "before", "after", "after/before"], tablefmt="simple")
    notes = [f"\nedited for the warm rebuild: {report['edited_file'] or '(no source file found)'}; {report['repeat']} run(s) each"]
    if engine_text(report):
        notes.append(f"engine: {engine_text(report)}")
    if report.get("stand_in_base_images"):
        notes.append("base images are local stand-ins (labelled io.slimmer.stand-in), not the official ones")
    diffs = report["equivalence"]["config"]
    if diffs:
        notes.append("config differences: " + ", ".join(d["key"] for d in diffs))
    counts = report["equivalence"]["files"]["counts"]
    notes.append(f"app files under WORKDIR: {counts['only_before']} only before, {counts['only_after']} only after, {counts['changed']} changed")
    return text + "\n".join(notes)


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2)


def size_chart(entries: list[tuple[str, int]]) -> str:
    """A mermaid bar chart of image sizes in MB (GitHub renders it)."""
    labels = ", ".join(json.dumps(name) for name, _ in entries)
    values = ", ".join(f"{v / 1e6:.0f}" for _, v in entries)
    top = max(v for _, v in entries) / 1e6
    return "\n".join([
        "```mermaid",
        "xychart-beta",
        '    title "Image size (MB)"',
        f"    x-axis [{labels}]",
        f'    y-axis "MB" 0 --> {int(top * 1.1) + 1}',
        f"    bar [{values}]",
        "```",
    ])


def to_markdown(report: dict, graph_mermaid: str | None = None) -> str:
    lines = [
        f"### slimmer bench: `{report['dockerfile']}`",
        "",
        "| | before | after | after/before |",
        "|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows(report)]
    lines += ["", size_chart([("before", report["before"]["image_size_bytes"]), ("after", report["after"]["image_size_bytes"])])]
    eq = report["equivalence"]
    lines += ["", "<details><summary>Equivalence</summary>", ""]
    if eq["config"]:
        lines.append("| config | only before | only after |")
        lines.append("|---|---|---|")
        for d in eq["config"]:
            gone, new = _changed_items(d["before"], d["after"])
            lines.append(f"| {d['key']} | {gone} | {new} |")
    else:
        lines.append("Image config (Entrypoint, Cmd, Env, User, WorkingDir, ports, volumes, labels, healthcheck): identical.")
    counts = eq["files"]["counts"]
    lines += ["", f"App files under WORKDIR: {counts['only_before']} only before, {counts['only_after']} only after, {counts['changed']} changed."]
    for key in ("only_before", "only_after", "changed"):
        if eq["files"][key]:
            lines.append(f"- {key.replace('_', ' ')}: " + ", ".join(f"`{p}`" for p in eq["files"][key][:15]))
    lines += ["", "</details>"]
    if graph_mermaid:
        lines += ["", "<details><summary>Stage graph of the rewritten Dockerfile</summary>", "", "```mermaid", graph_mermaid, "```", "", "</details>"]
    notes = [f"Medians of {report['repeat']} run(s) each, built side by side; warm rebuild after editing `{report['edited_file']}`."]
    if report.get("stand_in_base_images"):
        notes.append("Base images are local stand-ins, not the official images.")
    if engine_text(report):
        notes.append(f"Engine: {engine_text(report)}.")
    lines += ["", " ".join(notes)]
    return "\n".join(lines) + "\n"


def _changed_items(before, after) -> tuple[str, str]:
    """What differs between two config values, item by item for lists and maps."""
    def items(value) -> list[str]:
        if isinstance(value, dict):
            return [f"{k}={v}" for k, v in value.items()]
        if isinstance(value, list):
            return [str(v) for v in value]
        return [] if value is None else [json.dumps(value)]

    a, b = items(before), items(after)
    fmt = lambda xs: "<br>".join(f"`{x.replace('|', '&#124;')}`" for x in xs) or "–"  # noqa: E731
    return fmt([x for x in a if x not in b]), fmt([x for x in b if x not in a])


def compare(old: dict, new: dict, max_growth: float | None) -> tuple[str, bool]:
    """The PR size report: markdown, and whether the image grew past the threshold."""
    def size(r: dict) -> int:
        return r["after"]["image_size_bytes"] if "after" in r else r["image_size_bytes"]

    o, n = size(old), size(new)
    growth = (n - o) / o * 100 if o else 0.0
    failed = max_growth is not None and growth > max_growth
    verdict = "❌ grows past the limit" if failed else "✅"
    lines = [
        "### slimmer: image size",
        "",
        "| | base | this PR | change |",
        "|---|---|---|---|",
        f"| image size | {human(o)} | {human(n)} | {growth:+.1f}% {verdict} |",
    ]
    if "after" in old and "after" in new:
        lines.append(f"| layers | {old['after']['layers']} | {new['after']['layers']} | |")
        lines.append(f"| wasted bytes | {human(old['after']['wasted_bytes'])} | {human(new['after']['wasted_bytes'])} | |")
    if max_growth is not None:
        lines += ["", f"Limit: +{max_growth:g}%."]
    lines += ["", size_chart([("base", o), ("this PR", n)])]
    return "\n".join(lines) + "\n", failed
