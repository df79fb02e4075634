"""Issue 10: slimmer writes the user's files like a careful editor (slimmer/fileio.py)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from slimmer import fileio
from slimmer.cli import main
from slimmer.errors import SlimmerError

FLASK = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"
FIXABLE = "FROM python:3.11-slim\nRUN pip install flask\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def temps(folder) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith(fileio.TMP_PREFIX)]


@pytest.mark.parametrize("how", ["in-place", "output", "fix"])
def test_a_symlink_is_written_through_to_its_target(tmp_path, how):
    real = tmp_path / "real" / "Dockerfile"
    real.parent.mkdir()
    real.write_text(FIXABLE if how == "fix" else FLASK)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real)
    if how == "output":
        out_real = tmp_path / "real" / "Dockerfile.opt"
        out_real.write_text("old\n")
        out_link = tmp_path / "Dockerfile.opt"
        out_link.symlink_to(out_real)
        result = run("rewrite", real, "-o", out_link)
        changed, kept_link = out_real, out_link
    else:
        result = run(*(["rewrite", link, "--in-place"] if how == "in-place" else ["analyze", link, "--fix"]))
        changed, kept_link = real, link
    assert result.exit_code in (0, 1), result.stderr
    assert kept_link.is_symlink()
    assert changed.read_text() not in (FLASK, FIXABLE, "old\n")


def test_new_files_honour_the_umask(tmp_path):
    src = tmp_path / "Dockerfile"
    src.write_text(FLASK)
    old = os.umask(0o022)
    try:
        assert run("rewrite", src, "-o", tmp_path / "a.opt").exit_code == 0
        os.umask(0o077)
        assert run("rewrite", src, "-o", tmp_path / "b.opt").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "a.opt").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "b.opt").st_mode) == 0o600


def test_in_place_keeps_mode_owner_and_group(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(FLASK)
    os.chmod(p, 0o640)
    if os.geteuid() == 0:
        os.chown(p, 1234, 5678)
    before = os.stat(p)
    old = os.umask(0o077)  # the umask must not take bits off a replaced file
    try:
        result = run("rewrite", p, "--in-place")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    after = os.stat(p)
    assert after.st_ino != before.st_ino  # replaced by a rename, not written in place
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


@pytest.mark.parametrize("how", ["in-place", "fix", "output"])
def test_read_only_files_are_refused_unless_forced(tmp_path, how):
    p = tmp_path / "Dockerfile"
    p.write_text(FIXABLE if how == "fix" else FLASK)
    target = p
    if how == "output":
        target = tmp_path / "Dockerfile.opt"
        target.write_text("old\n")
    os.chmod(target, 0o444)
    before = target.read_text()
    args = {"in-place": ["rewrite", p, "--in-place"], "fix": ["analyze", p, "--fix"], "output": ["rewrite", p, "-o", target]}[how]
    result = run(*args)
    assert result.exit_code == 2
    assert f"{target}: the file is read-only" in result.stderr and "--force" in result.stderr
    assert target.read_text() == before
    result = run(*args, "--force")
    assert result.exit_code in (0, 1), result.stderr
    assert target.read_text() != before
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o444


def test_not_a_regular_file_is_refused(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(FLASK)
    result = run("rewrite", p, "-o", "/dev/null")
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_backups_are_numbered_never_overwritten(tmp_path):
    p = tmp_path / "Dockerfile"
    names = []
    for n in range(3):
        p.write_text(FLASK + f"# {n}\n")
        result = run("rewrite", p, "--in-place")
        assert result.exit_code == 0, result.stderr
        names.append(result.stderr.split("the original is in ")[1].rstrip(")\n"))
    assert names == [str(tmp_path / "Dockerfile.bak"), str(tmp_path / "Dockerfile.1.bak"), str(tmp_path / "Dockerfile.2.bak")]
    for n, name in enumerate(names):
        assert open(name).read() == FLASK + f"# {n}\n"
    # analyze never takes a backup for a Dockerfile
    result = run("analyze", tmp_path, "--format", "json")
    import json

    assert {f["file"] for f in json.loads(result.stdout)} <= {str(p)}


def test_a_failing_backup_leaves_no_truncated_backup_and_the_file_alone(tmp_path, monkeypatch):
    import errno

    p = tmp_path / "Dockerfile"
    p.write_text(FLASK)
    calls = []
    real_write = os.write

    def second_fails(fd, data):
        calls.append(len(data))
        if len(calls) == 1:  # the backup's data: half of it, then the disk is full
            real_write(fd, bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr("slimmer.fileio.os.write", second_fails)
    result = run("rewrite", p, "--in-place")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]
    assert p.read_text() == FLASK


def test_fsync_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr("slimmer.fileio.os.fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr("slimmer.fileio.os.replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    fileio.write_text(str(tmp_path / "x"), "hello\n")
    assert events[0] == "fsync" and "replace" in events
    assert (tmp_path / "x").read_text() == "hello\n"


def test_a_concurrent_edit_is_never_lost(tmp_path, monkeypatch):
    p = tmp_path / "Dockerfile"
    p.write_text(FIXABLE)
    real = fileio._write_temp

    def edit_meanwhile(folder, data, like, tmp_paths):
        with open(p, "a") as fh:  # the user saves in the editor while --fix runs
            fh.write("# my edit\n")
        return real(folder, data, like, tmp_paths)

    monkeypatch.setattr(fileio, "_write_temp", edit_meanwhile)
    result = run("analyze", p, "--fix")
    assert result.exit_code == 2
    assert "changed while slimmer ran" in result.stderr
    assert p.read_text() == FIXABLE + "# my edit\n"
    assert not temps(tmp_path)


def test_same_size_same_mtime_edit_is_still_seen(tmp_path):
    p = tmp_path / "f"
    p.write_text("aaaa\n")
    snap = fileio.snapshot(str(p))
    p.write_text("bbbb\n")
    os.utime(p, ns=(snap.mtime_ns, snap.mtime_ns))
    with pytest.raises(SlimmerError, match="changed while slimmer ran"):
        fileio.write_text(str(p), "new\n", expect=snap)
    assert p.read_text() == "bbbb\n"


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys, time
        from slimmer import fileio
        real = os.fsync
        def slow(fd):
            print("writing", flush=True)
            time.sleep(30)
        fileio.os.fsync = slow
        fileio.write_text({str(tmp_path / "Dockerfile")!r}, "new\\n")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert temps(tmp_path)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []


def test_errors_name_the_path(tmp_path):
    with pytest.raises(SlimmerError) as info:
        fileio.write_text(str(tmp_path / "no" / "x"), "a")
    assert str(info.value).startswith(str(tmp_path / "no" / "x") + ": cannot write")
    time.sleep(0)
