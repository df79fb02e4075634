"""The rewrite cases: tests/rewrite/cases/NAME/ holds a build context (context/, with its
Dockerfile), the reviewed output (expected.Dockerfile), the reviewed `--explain` lines
(expected.explain) and case.toml:

    args = ["--skip", "order"]     # extra `slimmer rewrite` arguments
    refused = "text of the reason"  # the rewrite must refuse to split, naming this reason
    contains = ["..."]              # text the output must contain (what the case is about)
    absent = ["..."]                # text the output must not contain
    notes = ["..."]                 # text --explain must print
    build = true                    # tests/integration builds both and runs the smoke
    smoke = ["python", "app.py"]    # argv run in both images ([] runs the image's command)
    expect = "..."                  # text the smoke's output must contain

SLIMMER_UPDATE_CASES=1 rewrites expected.* from the current output (review the diff).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from slimmer.cli import main

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "case.toml").exists())


@dataclass
class Case:
    name: str
    dir: Path
    args: list[str] = field(default_factory=list)
    refused: str | None = None
    contains: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    build: bool = False
    smoke: list[str] | None = None
    expect: str = ""

    @property
    def context(self) -> Path:
        return self.dir / "context"

    @property
    def dockerfile(self) -> Path:
        return self.context / "Dockerfile"


def load(name: str) -> Case:
    folder = CASES_DIR / name
    with open(folder / "case.toml", "rb") as fh:
        spec = tomllib.load(fh)
    return Case(name=name, dir=folder, **spec)


def run(case: Case) -> tuple[int, str, str]:
    """(exit code, rewritten text, --explain lines with the path shown as `Dockerfile`)."""
    result = CliRunner().invoke(main, ["rewrite", str(case.dockerfile), "--explain", *case.args])
    explain = result.stderr.replace(str(case.dockerfile), "Dockerfile")
    return result.exit_code, result.stdout, explain


def update_requested() -> bool:
    return os.environ.get("SLIMMER_UPDATE_CASES") == "1"
