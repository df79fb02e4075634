"""The rewrite cases that build here (tests/rewrite/cases/*/case.toml with build = true),
proven by building: the original and the rewritten Dockerfile are built on the engine, the
case's smoke runs in both, `slimmer verify` finds the rewritten image equivalent (config,
executables, shared libraries, Python and Node packages, files, start-up), it keeps the
original's ENTRYPOINT, CMD, USER, WORKDIR and EXPOSE, and is smaller."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slimmer.build import engine as eng
from slimmer.build import measure

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rewrite"))
from cases import CASES, load, run  # noqa: E402

pytestmark = pytest.mark.engine

BUILT = [name for name in CASES if load(name).build]
KEPT_CONFIG = ("Entrypoint", "Cmd", "User", "WorkingDir", "ExposedPorts", "Volumes", "Healthcheck")


@pytest.fixture(scope="module")
def run_id(docker_engine):
    rid = eng.new_run_id()
    yield rid
    eng.cleanup(docker_engine, rid)


def build_and_smoke(engine, case, dockerfile: Path, tag: str, run_id: str):
    try:
        eng.build(str(case.context), str(dockerfile), tag, {eng.LABEL: run_id, "io.slimmer.test": "1"})
    except eng.BuildFailed as failed:
        pytest.fail(f"{case.name}: {dockerfile.name} did not build:\n{failed}", pytrace=False)
    argv = case.smoke or []
    entrypoint, command = ([argv[0]], argv[1:]) if argv else (None, None)
    result = measure.smoke(engine, tag, entrypoint, command, case.expect, run_id, eng.LABEL, 120)
    return measure.inspect(engine, tag), result


def test_some_cases_build():
    assert len(BUILT) >= 10


@pytest.mark.parametrize("name", BUILT)
def test_rewritten_case_builds_and_works(name, docker_engine, run_id, tmp_path):
    case = load(name)
    code, text, explain = run(case)
    assert code == 0 and "not split" not in explain, explain
    rewritten = tmp_path / "Dockerfile.slimmer"
    rewritten.write_text(text)
    before, smoke_before = build_and_smoke(docker_engine, case, case.dockerfile, f"slimmer-test/case-{name}:{run_id}-before", run_id)
    assert smoke_before.ok, f"the original fails its own smoke:\n{smoke_before.output}"
    after, smoke_after = build_and_smoke(docker_engine, case, rewritten, f"slimmer-test/case-{name}:{run_id}-after", run_id)
    assert smoke_after.ok, f"the rewrite fails the smoke:\n{smoke_after.output}\n---\n{text}"
    for key in KEPT_CONFIG:
        assert after["config"][key] == before["config"][key], key
    assert after["size"] < before["size"], (before["size"], after["size"])
    from slimmer.verify import verify_images

    proof = verify_images(docker_engine, f"slimmer-test/case-{name}:{run_id}-before", f"slimmer-test/case-{name}:{run_id}-after",
                          startup_seconds=3, run_id=run_id)
    assert proof.ok, proof.to_text()
