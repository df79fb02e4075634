"""The pre-commit hook, run for real with `pre-commit try-repo` on a throwaway git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None, reason="needs pre-commit and git")
def test_hook_reports_findings_and_passes_clean_files(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install flask\n")
    (tmp_path / "clean.Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n")
    (tmp_path / "notes.txt").write_text("RUN pip install flask\n")
    git("add", ".")
    env_home = tmp_path / "cache"
    result = subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "slimmer", "--files", "Dockerfile", "clean.Dockerfile", "notes.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(env_home)},
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Dockerfile:2:" in output and "SLM010" in output
    assert not any("clean.Dockerfile:2:" in line and "SLM010" in line for line in output.splitlines())
    assert "notes.txt" not in output
