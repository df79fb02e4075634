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
    ] + ([["verify", "", verify_text(report), ""]] if report.get("verify") else [])


def verify_text(report: dict) -> str:
    """"proven" when every verify check passed (and the smoke, when there is one), else
    which checks failed."""
    v = report.get("verify")
    if not v:
        return "not run"
    failed = [c["name"] for c in v["checks"] if not c["ok"]]
    smoke = report["after"].get("smoke")
    if smoke is not None and not smoke["ok"]:
        failed.append("smoke")
    return "proven" if not failed else "FAILED: " + ", ".join(failed)


def verify_lines(report: dict, markdown: bool) -> list[str]:
    """One line per verify check."""
    out = []
    for c in (report.get("verify") or {}).get("checks", []):
        mark = ("✅" if c["ok"] else "❌") if markdown else ("passed" if c["ok"] else "FAILED")
        summary = c.get("summary", "")
        out.append(f"- {mark} **{c['name']}**: {summary}" if markdown else f"  {mark}  {c['name']:<12} {summary}")
    return out


def to_table(report: dict) -> str:
    from tabulate import tabulate  # slow to import: only bench output needs it

    text = tabulate(rows(report), headers=["", "before", "after", "after/before"], tablefmt="simple")
    notes = [f"\nedited for the warm rebuild: {report['edited_file'] or '(no source file found)'}; {report['repeat']} run(s) each"]
    if report.get("stand_in_base_images"):
        notes.append("base images are local stand-ins (labelled io.slimmer.stand-in), not the official ones")
    diffs = report["equivalence"]["config"]
    if diffs:
        notes.append("config differences: " + ", ".join(d["key"] for d in diffs))
    counts = report["equivalence"]["files"]["counts"]
    notes.append(f"app files under WORKDIR: {counts['only_before']} only before, {counts['only_after']} only after, {counts['changed']} changed")
    if report.get("verify"):
        notes.append("verify: " + verify_text(report))
        notes.extend(verify_lines(report, False))
    return text + "\n".join(notes)


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2)


def size_chart(entries: list[tuple[str, int]]) -> str:
    """A mermaid bar chart of image sizes in MB (GitHub renders it)."""
    labels = ", ".join(json.dumps(name) for name, _ in entries)
    values = ", ".join(f"{v / 1e6:.0f}" for _, v in entries)
    top = max(max(v for _, v in entries) / 1e6, 0)
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
    if report.get("verify"):
        lines += ["", f"<details><summary>Verify: {verify_text(report)}</summary>", ""] + verify_lines(report, True) + ["", "</details>"]
    if graph_mermaid:
        lines += ["", "<details><summary>Stage graph of the rewritten Dockerfile</summary>", "", "```mermaid", graph_mermaid, "```", "", "</details>"]
    notes = [f"Medians of {report['repeat']} run(s) each, built side by side; warm rebuild after editing `{report['edited_file']}`."]
    if report.get("stand_in_base_images"):
        notes.append("Base images are local stand-ins, not the official images.")
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


# Sizes and counts past this are not measurements (the largest file size a file system
# reports fits in 63 bits).
_MAX_COUNT = 2**63 - 1


class ReportError(ValueError):
    """A report file that is not a bench result; the message names the field."""


def load_report(text: str) -> dict:
    """A bench JSON result (or an `{"image_size_bytes": ...}` summary), validated: sizes,
    layer and waste counts are whole numbers from 0 to 2**63-1 or null (not measured);
    NaN, Infinity, 1e400, true and strings are refused with the field that holds them."""
    import json

    def no_constant(name: str):
        raise ReportError(f"{name} is not a number a measurement can have")

    try:
        doc = json.loads(text, parse_constant=no_constant)
    except RecursionError:
        raise ReportError("nested too deeply to be a bench report") from None
    except ReportError:
        raise
    except ValueError as exc:
        raise ReportError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ReportError(f"expected a JSON object, got {_kind(doc)}")
    if "after" in doc:
        if not isinstance(doc["after"], dict):
            raise ReportError(f"after: expected an object, got {_kind(doc['after'])}")
        for key in ("image_size_bytes", "layers", "wasted_bytes"):
            if key not in doc["after"]:
                raise ReportError(f"after.{key}: missing")
            _count(doc["after"][key], f"after.{key}")
    elif "image_size_bytes" in doc:
        _count(doc["image_size_bytes"], "image_size_bytes")
    else:
        raise ReportError("neither after.image_size_bytes (a bench result) nor image_size_bytes")
    return doc


def _kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", list: "a list", dict: "an object", float: "a fraction"}.get(
        type(value), type(value).__name__)


def _count(value, where: str) -> None:
    if value is None:
        return  # not measured: shown as –, and a size gate cannot pass on it
    if type(value) is not int:  # bool is an int to Python; `true` is no size
        raise ReportError(f"{where}: expected a whole number or null, got {_kind(value)}")
    if not 0 <= value <= _MAX_COUNT:
        raise ReportError(f"{where}: {'negative' if value < 0 else 'too large'} ({str(value)[:20]}{'…' if len(str(value)) > 20 else ''})")


def md_cell(value) -> str:
    """Text made safe for one markdown table cell of a PR comment: no HTML, no pipes, no
    line breaks, no control characters, no link or image syntax."""
    import html

    from slimmer.errors import escape

    text = escape(str(value)).replace("\n", " ")
    text = html.escape(text, quote=True).replace("|", "&#124;")
    for ch in "[]()`*_~!\\":
        text = text.replace(ch, f"&#{ord(ch)};")
    return text


def compare(old: dict, new: dict, max_growth: float | None) -> tuple[str, bool]:
    """The PR size report: markdown, and whether the gate fails. With a limit, the gate
    fails when the image grew past it and whenever the growth cannot be measured (a size
    not measured, a base of 0 bytes), so a broken measurement never passes a PR."""
    import math

    def size(r: dict):
        return r["after"]["image_size_bytes"] if "after" in r else r["image_size_bytes"]

    o, n = size(old), size(new)
    problem = None
    growth = None
    if o is None or n is None:
        problem = "not measured"
    elif o == 0:
        problem = "the base size is 0 bytes"
    else:
        growth = (n - o) / o * 100
    if max_growth is not None and not math.isfinite(max_growth):
        raise ValueError("the growth limit must be a finite number")
    failed = max_growth is not None and (growth is None or growth > max_growth)
    if growth is None:
        change = f"cannot be measured ({problem})" + (" ❌" if max_growth is not None else "")
    else:
        change = f"{growth:+.1f}% " + ("❌ grows past the limit" if failed else "✅")
    lines = [
        "### slimmer: image size",
        "",
        "| | base | this PR | change |",
        "|---|---|---|---|",
        f"| image size | {md_cell(human(o))} | {md_cell(human(n))} | {change} |",
    ]
    if "after" in old and "after" in new:
        lines.append(f"| layers | {md_cell(_num(old['after']['layers']))} | {md_cell(_num(new['after']['layers']))} | |")
        lines.append(f"| wasted bytes | {md_cell(human(old['after']['wasted_bytes']))} | {md_cell(human(new['after']['wasted_bytes']))} | |")
    if max_growth is not None:
        lines += ["", f"Limit: {max_growth:+g}%."]
    if o is not None and n is not None:
        lines += ["", size_chart([("base", o), ("this PR", n)])]
    return "\n".join(lines) + "\n", failed


def _num(value) -> str:
    return "–" if value is None else str(value)
