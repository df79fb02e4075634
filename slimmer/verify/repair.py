"""A rewrite that checks itself: build the original and the rewrite, verify, and where the
rewrite's image lacks shared libraries that the original had, install the system packages
that provided them in the original (from its dpkg or apk database) in the final stage,
rebuild and verify again.

`repair_text(text, packages, manager)` is the pure part: it adds (or widens) one install
line right after the final FROM. `verify_rewrite(...)` is the loop; everything it builds
and runs carries io.slimmer.run=<run id> and is removed at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable

MARK = "# slimmer verify: runtime libraries the original image had"
_PKG = re.compile(r"^[a-z0-9][a-z0-9+.\-]*$")


class CannotRepair(Exception):
    pass


def install_line(packages: list[str], manager: str) -> str:
    names = " ".join(sorted(set(packages)))
    if manager == "apk":
        return f"RUN apk add --no-cache {names}"
    return f"RUN apt-get update && apt-get install -y --no-install-recommends {names} && rm -rf /var/lib/apt/lists/*"


def repair_text(text: str, packages: list[str], manager: str) -> str:
    """The Dockerfile with `packages` installed right after the final FROM (merged into
    the line an earlier repair added). Package names are checked, never pasted blindly."""
    from slimmer.parse import parse_text

    bad = [p for p in packages if not _PKG.match(p)]
    if bad:
        raise CannotRepair(f"not a package name: {', '.join(bad)}")
    if manager not in ("dpkg", "apt", "apk"):
        raise CannotRepair(f"no package manager to install {', '.join(packages)} with")
    df = parse_text(text)
    final = df.stages[-1]
    nodes = list(df.nodes)
    out: list[str] = []
    done = False
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if not done and node.raw.strip() == MARK and i + 1 < len(nodes):
            old = nodes[i + 1].raw
            m = re.search(r"(?:--no-install-recommends|apk add --no-cache)\s+(.*?)(?:\s+&&|\s*$)", old.strip())
            merged = sorted(set((m.group(1).split() if m else []) + list(packages)))
            eol = "\r\n" if old.endswith("\r\n") else "\n"
            out.append(node.raw)
            out.append(install_line(merged, "apk" if "apk add" in old else "apt") + eol)
            done = True
            i += 2
            continue
        out.append(node.raw)
        if node is final.from_instruction and not any(n.raw.strip() == MARK for n in nodes[i:]):
            eol = "\r\n" if node.raw.endswith("\r\n") else "\n"
            if not node.raw.endswith(("\n", "\r\n")):
                out[-1] = node.raw + eol
            out.append(MARK + eol)
            out.append(install_line(list(packages), "apk" if manager == "apk" else "apt") + eol)
            done = True
        i += 1
    return df.bom + "".join(out)


@dataclass
class Repair:
    round: int
    packages: list[str]
    libraries: dict[str, str]  # library -> package that had it in the original

    def describe(self) -> str:
        libs = ", ".join(f"{lib} ({pkg})" for lib, pkg in sorted(self.libraries.items()))
        return f"round {self.round}: installed {' '.join(self.packages)} in the final stage: the rewritten image lacked {libs}, which the original image has from those packages"


@dataclass
class Outcome:
    text: str  # the rewrite, repaired where it was
    result: object  # the last VerifyResult
    repairs: list[Repair] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_id: str = ""  # the label value of everything it built (all removed at the end)

    @property
    def ok(self) -> bool:
        return self.result.ok


def verify_rewrite(original_text: str, rewritten_text: str, context: str, *, smoke=None, startup_seconds: float = 10,
                   max_repairs: int = 2, progress: Callable[[str], None] | None = None, engine=None) -> Outcome:
    """Build both, verify, repair missing runtime libraries at most `max_repairs` times."""
    from slimmer.build import engine as eng
    from slimmer.verify import verify_images

    say = progress or (lambda _m: None)
    engine = engine or eng.client()
    run_id = eng.new_run_id()
    labels = {eng.LABEL: run_id}
    work = tempfile.mkdtemp(prefix="slimmer-verify-")
    try:
        def build(name: str, text: str) -> str:
            path = os.path.join(work, f"{name}.Dockerfile")
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            tag = f"slimmer-verify/{run_id}:{name}"
            say(f"building {name}")
            eng.build(context, path, tag, labels)
            return tag

        before = build("original", original_text)
        text = rewritten_text
        outcome = Outcome(text, None, run_id=run_id)
        for round_ in range(max_repairs + 1):
            after = build(f"rewrite-{round_}", text)
            say(f"verifying rewrite-{round_}")
            result = verify_images(engine, before, after, smoke=smoke, startup_seconds=startup_seconds, run_id=run_id)
            outcome.text, outcome.result = text, result
            if result.ok or round_ == max_repairs:
                break
            libs = result.check("libraries")
            missing = libs.data.get("missing", []) if libs and not libs.ok else []
            if not missing:
                break
            unowned = [m["library"] for m in missing if not m.get("package")]
            if unowned:
                outcome.notes.append(f"no package of the original provides {', '.join(unowned)}: not repaired")
            wanted = {m["library"]: m["package"] for m in missing if m.get("package")}
            if not wanted:
                break
            manager = libs.data.get("package_manager")
            installer = libs.data.get("after_installer")
            if not installer:
                outcome.notes.append("the rewritten image's final stage has no apt-get or apk to install " + " ".join(sorted(set(wanted.values()))) + " with: not repaired")
                break
            try:
                text = repair_text(text, sorted(set(wanted.values())), "apk" if installer == "apk" else manager or "dpkg")
            except CannotRepair as why:
                outcome.notes.append(str(why))
                break
            outcome.repairs.append(Repair(round_ + 1, sorted(set(wanted.values())), wanted))
        return outcome
    finally:
        eng.cleanup(engine, run_id)
        shutil.rmtree(work, ignore_errors=True)
