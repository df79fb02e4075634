"""The parts of slimmer verify that need no engine: the loader's search order, config
diffing, package databases, file trees, /proc/net parsing and the repair's text edit."""

from __future__ import annotations

import io
import os
import sys
import tarfile

import pytest

from slimmer.verify.config import diff_config
from slimmer.verify.files import compare_trees
from slimmer.verify.fs import ImageFS, which
from slimmer.verify.libs import ElfInfo, Resolver, ld_conf_dirs, read_elf
from slimmer.verify.model import Side, named_paths, programs
from slimmer.verify.pkgdb import PackageDB, parse_apk_installed, parse_dpkg_status
from slimmer.verify.python import Dist, intended_drops
from slimmer.verify.repair import MARK, CannotRepair, repair_text
from slimmer.verify.startup import parse_proc_net

LIB = "/usr/lib/x86_64-linux-gnu"


def test_read_elf_of_a_real_binary():
    with open(os.path.realpath(sys.executable), "rb") as fh:
        info = read_elf(fh)
    assert info is not None and any(n.startswith("libc.so") for n in info.needed)
    assert read_elf(io.BytesIO(b"#!/bin/sh\necho hi\n")) is None


def test_rpath_origin_and_ld_so_conf():
    fs = ImageFS.from_entries(
        {
            "/etc/ld.so.conf": "include /etc/ld.so.conf.d/*.conf\n",
            "/etc/ld.so.conf.d/x.conf": "# comment\n/opt/vendor/lib\n",
            "/opt/vendor/lib/libvendor.so.2": "x",
            "/app/venv/lib/python3.11/site-packages/pkg/_ext.so": "x",
            "/app/venv/lib/python3.11/site-packages/pkg.libs/libgfortran-abc.so.5": "x",
            f"{LIB}/libc.so.6": "x",
            "/srv/runpath/libonly.so": "x",
        },
        links={"/lib": "usr/lib", "/app/link.so": "venv/lib/python3.11/site-packages/pkg/_ext.so"},
    )
    assert ld_conf_dirs(fs) == ["/opt/vendor/lib"]
    r = Resolver(fs, {"LD_LIBRARY_PATH": ""})
    ext = "/app/venv/lib/python3.11/site-packages/pkg/_ext.so"
    info = ElfInfo(needed=["libgfortran-abc.so.5", "libc.so.6", "libvendor.so.2", "libgone.so.1"], rpath=["$ORIGIN/../pkg.libs"])
    assert r.find("libgfortran-abc.so.5", ext, info).endswith("pkg.libs/libgfortran-abc.so.5")
    # $ORIGIN is the folder of the file a symlink leads to, not of the link.
    assert r.find("libgfortran-abc.so.5", "/app/link.so", info) is not None
    assert fs.resolve(r.find("libc.so.6", ext, info)) == f"{LIB}/libc.so.6"
    assert r.find("libvendor.so.2", ext, info) == "/opt/vendor/lib/libvendor.so.2"
    assert r.find("libgone.so.1", ext, info) is None
    # DT_RPATH is ignored when DT_RUNPATH is present; LD_LIBRARY_PATH comes between.
    both = ElfInfo(needed=["libonly.so"], rpath=["/srv/runpath"], runpath=["/nowhere"])
    assert r.find("libonly.so", ext, both) is None
    assert Resolver(fs, {"LD_LIBRARY_PATH": "/srv/runpath"}).find("libonly.so", ext, both) == "/srv/runpath/libonly.so"


def test_musl_search_path():
    fs = ImageFS.from_entries({"/lib/ld-musl-x86_64.so.1": "x", "/usr/local/lib/libz.so.1": "x", "/etc/ld-musl-x86_64.path": "/lib\n/usr/lib\n"})
    assert Resolver(fs, {}).find("libz.so.1", "/app/x", ElfInfo()) is None
    fs2 = ImageFS.from_entries({"/lib/ld-musl-x86_64.so.1": "x", "/usr/local/lib/libz.so.1": "x"})
    assert Resolver(fs2, {}).find("libz.so.1", "/app/x", ElfInfo()) == "/usr/local/lib/libz.so.1"


def test_config_diff_lists_expected_venv_and_base_labels():
    before = {"Cmd": ["/bin/sh", "-c", "gunicorn app:app"], "Env": ["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"],
              "Labels": {"org.opencontainers.image.description": "full", "team": "a"}, "WorkingDir": "/app", "User": "app"}
    after = {"Cmd": ["gunicorn", "app:app"], "Env": ["PATH=/opt/venv/bin:/usr/local/bin:/usr/bin", "LANG=C.UTF-8", "VIRTUAL_ENV=/opt/venv"],
             "Labels": {"org.opencontainers.image.description": "slim", "team": "a", "io.slimmer.run": "x"}, "WorkingDir": "/app", "User": "app"}
    bad, expected = diff_config(before, after)
    assert bad == []
    assert any("VIRTUAL_ENV" in e for e in expected) and any(e.startswith("Env PATH") for e in expected)
    assert any("exec form" in e for e in expected) and any("base image" in e for e in expected)
    after2 = dict(after, User="root", Env=after["Env"][:-1] + ["DEBUG=1"], ExposedPorts={"80/tcp": {}})
    bad2, _ = diff_config(before, after2)
    assert any(b.startswith("User") for b in bad2) and any("DEBUG" in b for b in bad2) and any(b.startswith("ExposedPorts") for b in bad2)
    # A PATH that loses a folder is not the venv's doing.
    bad3, _ = diff_config(before, dict(after, Env=["PATH=/opt/venv/bin:/usr/bin", "LANG=C.UTF-8", "VIRTUAL_ENV=/opt/venv"]))
    assert any(b.startswith("Env PATH") for b in bad3)


STATUS = """Package: libgomp1
Status: install ok installed
Architecture: amd64
Version: 12.2.0-14
Description: GCC OpenMP
 continued line: not a field

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0

Package: libc6
Status: install ok installed
Version: 2.36-9
"""


def test_dpkg_status_and_lists():
    assert parse_dpkg_status(STATUS) == {"libgomp1": "12.2.0-14", "libc6": "2.36-9"}
    fs = ImageFS.from_entries({
        "/var/lib/dpkg/status": STATUS,
        "/var/lib/dpkg/info/libgomp1:amd64.list": f"/.\n/usr\n{LIB}/libgomp.so.1.0.0\n{LIB}/libgomp.so.1\n",
        f"{LIB}/libgomp.so.1.0.0": "x",
    }, links={"/lib": "usr/lib"})
    db = PackageDB(fs)
    assert db.kind == "dpkg"
    assert db.owner(f"{LIB}/libgomp.so.1") == "libgomp1"
    assert db.owner("/lib/x86_64-linux-gnu/libgomp.so.1") == "libgomp1"  # merged /usr
    assert db.owner("/nothing/libx.so") is None


def test_distroless_status_d_and_apk():
    fs = ImageFS.from_entries({
        "/var/lib/dpkg/status.d/libssl3": "Package: libssl3\nVersion: 3.0\n",
        "/var/lib/dpkg/status.d/libssl3.md5sums": f"abc  {LIB[1:]}/libssl.so.3\n",
    })
    db = PackageDB(fs)
    assert db.installed == {"libssl3": "3.0"} and db.owner(f"{LIB}/libssl.so.3") == "libssl3"
    apk = "C:Q1\nP:libgomp\nV:12\nF:usr/lib\nR:libgomp.so.1\nR:libgomp.so.1.0.0\n\nP:musl\nF:lib\nR:ld-musl-x86_64.so.1\n"
    assert parse_apk_installed(apk) == {"/usr/lib/libgomp.so.1": "libgomp", "/usr/lib/libgomp.so.1.0.0": "libgomp", "/lib/ld-musl-x86_64.so.1": "musl"}


def test_programs_and_named_paths():
    assert programs(["/bin/sh", "-c", "FOO=1 exec gunicorn -b :8000 app:app"]) == ["/bin/sh", "gunicorn"]
    assert programs(["python", "app.py"]) == ["python"]
    assert named_paths(["python", "app.py", "--config", "/etc/app.toml"]) == ["app.py", "/etc/app.toml"]


def test_which_honours_path_and_user():
    fs = ImageFS.from_entries({"/usr/local/bin/tool": "#!/bin/sh\n", "/usr/bin/secret": "x", "/etc/passwd": "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"},
                              modes={"/usr/bin/secret": 0o700})
    assert which(fs, "tool", "/usr/local/bin:/usr/bin", "/", (0, {0}))[0] == "/usr/local/bin/tool"
    assert which(fs, "secret", "/usr/bin", "/", (1000, {1000}))[0] is None
    assert "not executable" in which(fs, "secret", "/usr/bin", "/", (1000, {1000}))[1]
    assert which(fs, "nope", "/usr/bin", "/", None) == (None, "not found on PATH (/usr/bin)")


def test_export_tar_index_follows_links_and_hardlinks():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("usr/bin/python3.11", b"\x7fELF....."),):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("usr/bin/python3")
        link.type, link.linkname = tarfile.SYMTYPE, "python3.11"
        tar.addfile(link)
        hard = tarfile.TarInfo("usr/bin/python-hard")
        hard.type, hard.linkname = tarfile.LNKTYPE, "usr/bin/python3.11"
        tar.addfile(hard)
    buf.seek(0)
    fs = ImageFS.from_tar(buf)
    assert fs.resolve("/usr/bin/python3") == "/usr/bin/python3.11"
    assert fs.read("/usr/bin/python3", 4) == b"\x7fELF"
    assert fs.read("/usr/bin/python-hard", 4) == b"\x7fELF" and fs.entries["/usr/bin/python-hard"].size == 9


def _side(label, fs, workdir="/app", cmd=None):
    return Side(label, label, {"WorkingDir": workdir, "Cmd": cmd or ["python", "app.py"]}, fs)


def test_file_tree_marks_intended_drops_and_leaves_dependencies_to_other_checks():
    before = ImageFS.from_entries({"/app/app.py": "print(1)\n", "/app/util.py": "x", "/app/tests/test_a.py": "", "/app/requirements-dev.txt": "pytest\n",
                                   "/app/node_modules/dep/index.js": "", "/app/data.bin": "12345"})
    after = ImageFS.from_entries({"/app/app.py": "print(1)\n", "/app/data.bin": "123"})
    t = compare_trees(_side("b", before), _side("a", after))
    assert t["missing"] == ["util.py"]
    assert set(t["intended"]) == {"tests", "requirements-dev.txt"}
    assert any(c.startswith("data.bin: file 5 B") for c in t["changed"])
    assert t["dependency_differences"] >= 1


def test_intended_python_drops_follow_requirements():
    before = {"pytest": Dist("pytest", "8", "/x", requires=["pluggy", "iniconfig"]), "pluggy": Dist("pluggy", "1", "/x"),
              "iniconfig": Dist("iniconfig", "2", "/x"), "flask": Dist("flask", "3", "/x", requires=["click"]), "click": Dist("click", "8", "/x"),
              "requests": Dist("requests", "2", "/x")}
    after = {"flask": before["flask"], "click": before["click"]}
    assert intended_drops(before, after, {"pytest"}) == {"pytest", "pluggy", "iniconfig"}  # requests was not meant to go


def test_proc_net_listen_ports():
    text = ("  sl  local_address rem_address   st\n"
            "   0: 00000000:1F40 00000000:0000 0A 00000000:00000000\n"
            "   1: 0100007F:0CEA 0100007F:9C40 01 00000000:00000000\n")
    assert parse_proc_net(text) == {8000}


def test_repair_adds_one_line_after_the_final_from_and_merges_later_rounds():
    text = "FROM python:3.11 AS builder\nRUN make\n\nFROM python:3.11-slim\nWORKDIR /app\nCMD [\"app\"]\n"
    once = repair_text(text, ["libgomp1"], "dpkg")
    lines = once.splitlines()
    assert lines[3] == "FROM python:3.11-slim" and lines[4] == MARK
    assert lines[5] == "RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*"
    assert once.replace(MARK + "\n" + lines[5] + "\n", "") == text
    twice = repair_text(once, ["libgfortran5"], "dpkg")
    assert twice.count(MARK) == 1 and "--no-install-recommends libgfortran5 libgomp1 &&" in twice
    alpine = repair_text("FROM alpine:3.19\nCMD [\"x\"]\n", ["libgomp"], "apk")
    assert "RUN apk add --no-cache libgomp\n" in alpine
    with pytest.raises(CannotRepair):
        repair_text(text, ["libx; rm -rf /"], "dpkg")


def test_overlay_layers_merge_with_whiteouts_and_opaque_folders(tmp_path):
    low, up = tmp_path / "low", tmp_path / "up"
    for d in (low / "app" / "old", low / "etc", up / "app"):
        d.mkdir(parents=True)
    (low / "app" / "old" / "a.py").write_text("a")
    (low / "app" / "keep.py").write_text("k")
    (low / "etc" / "gone.conf").write_text("g")
    (low / "etc" / "conf").write_text("old")
    (up / "etc").mkdir()
    (up / "etc" / "conf").write_text("newer")
    os.symlink("keep.py", up / "app" / "link.py")
    try:
        os.mknod(up / "etc" / "gone.conf", 0o600 | __import__("stat").S_IFCHR, os.makedev(0, 0))
        (up / "app" / "old").mkdir()
        os.setxattr(up / "app" / "old", "trusted.overlay.opaque", b"y")
        privileged = True
    except (PermissionError, OSError):
        privileged = False  # whiteouts and trusted xattrs need root, as the engine has
    fs = ImageFS.from_overlay([str(low), str(up)])
    assert fs.read("/etc/conf") == b"newer" and fs.entries["/etc/conf"].size == 5
    assert fs.resolve("/app/link.py") == "/app/keep.py" and fs.read("/app/link.py") == b"k"
    if privileged:
        assert not fs.lexists("/etc/gone.conf")
        assert fs.is_dir("/app/old") and not fs.lexists("/app/old/a.py")


def test_config_diff_toolchain_base_env_is_expected():
    before = {"Env": ["PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOPATH=/go", "GOLANG_VERSION=1.19"], "Entrypoint": ["/app"]}
    after = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"], "Entrypoint": ["/app"]}
    bad, expected = diff_config(before, after)
    assert bad == [] and len(expected) == 4
    bad, _ = diff_config(before, dict(after, Env=after["Env"] + ["APP_MODE=debug"]))
    assert bad == ["Env APP_MODE only after: 'debug'"]


def test_rewrite_verify_writes_nothing_when_verify_fails(tmp_path, monkeypatch):
    """The CLI plumbing of `rewrite --verify` (the loop itself is tested against the engine)."""
    from click.testing import CliRunner

    from slimmer.cli import main
    from slimmer.verify import VerifyResult
    from slimmer.verify.model import Check
    from slimmer.verify import repair

    seen = {}

    def fake(original, rewritten, context, **kwargs):
        seen["context"] = context
        result = VerifyResult("b", "a", [Check("config", True, "same"), Check("files", False, "missing in AFTER: /app/util.py")])
        return repair.Outcome(rewritten, result, [repair.Repair(1, ["libgomp1"], {"libgomp.so.1": "libgomp1"})], ["a note"], "abc123")

    monkeypatch.setattr(repair, "verify_rewrite", fake)
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
    out = tmp_path / "Dockerfile.opt"
    res = CliRunner().invoke(main, ["rewrite", str(tmp_path / "Dockerfile"), "--verify", "--explain", "-o", str(out)])
    assert res.exit_code == 1
    assert not out.exists()
    assert "FAILED  files: missing in AFTER: /app/util.py" in res.output
    assert "verify repair: round 1: installed libgomp1" in res.output and "verify: a note" in res.output
    assert "label io.slimmer.run=abc123) is removed" in res.output
    assert seen["context"] == str(tmp_path)
    res = CliRunner().invoke(main, ["rewrite", str(tmp_path / "Dockerfile"), "--verify", "--check"])
    assert res.exit_code == 2


def test_startup_judgement():
    from slimmer.verify.startup import Outcome, judge

    assert judge(Outcome(None, {8000}), Outcome(None, {8000}), {8000}, 10).ok
    assert judge(Outcome(3), Outcome(3), set(), 10).ok
    slow = Outcome(None, {8000}, seconds=14.2, late=True)  # opened the port in the grace time
    assert judge(Outcome(None, {8000}), slow, {8000}, 10).ok
    gone = judge(Outcome(None, {8000}), Outcome(1, set(), seconds=2.0), {8000}, 10)
    assert not gone.ok and "AFTER exited 1" in gone.summary and "port 8000" in gone.summary
    deaf = judge(Outcome(None, {8000}), Outcome(None, set(), seconds=20, late=True), {8000}, 10)
    assert not deaf.ok and deaf.summary == "BEFORE listens on EXPOSE port 8000, AFTER does not"


def test_vendored_wheel_libraries_and_counterparts():
    from slimmer.verify.libs import counterpart, find_in

    libs = "/opt/venv/lib/python3.11/site-packages/scipy.libs"
    fs = ImageFS.from_entries({f"{libs}/libopenblas-ab.so": "x", f"{libs}/libgfortran-cd.so.5": "x"})
    r = Resolver(fs, {})
    # libopenblas (no RPATH of its own) finds libgfortran beside it, as the loader does
    # once the extension's RPATH brought that folder in.
    assert r.find("libgfortran-cd.so.5", f"{libs}/libopenblas-ab.so", ElfInfo()) == f"{libs}/libgfortran-cd.so.5"
    before = ImageFS.from_entries({"/usr/local/lib/python3.11/dist-packages/x/_e.so": "x"})
    assert counterpart(before, "/opt/venv/lib/python3.11/dist-packages/x/_e.so") == "/usr/local/lib/python3.11/dist-packages/x/_e.so"
    # Not an ELF there: no twin to compare with, so the system folders are searched.
    side = Side("before", "b", {}, before)
    assert find_in(side, "libz.so.1", "/opt/venv/lib/python3.11/dist-packages/x/_e.so", Resolver(before, {})) is None


def test_env_each_image_has_from_its_base_is_expected():
    before = {"Env": ["PATH=/usr/bin", "PIP_FIND_LINKS=http://x/", "APP=1"]}
    after = {"Env": ["PATH=/usr/bin", "APP=1"]}
    bases = ({"Env": ["PATH=/usr/bin", "PIP_FIND_LINKS=http://x/"]}, {"Env": ["PATH=/usr/bin"]})
    assert diff_config(before, after)[0] == ["Env PIP_FIND_LINKS only before: 'http://x/'"]
    bad, expected = diff_config(before, after, bases)
    assert bad == [] and "from its base image" in expected[0]
    # The Dockerfile's own ENV is never excused by the base.
    bad, _ = diff_config(before, {"Env": ["PATH=/usr/bin"]}, bases)
    assert bad == ["Env APP only before: '1'"]


def test_a_rebuilt_binary_is_expected_a_changed_script_is_not():
    before = ImageFS.from_entries({"/app/server": b"\x7fELF" + b"0" * 100, "/app/run.sh": "#!/bin/sh\nexec ./server\n"})
    after = ImageFS.from_entries({"/app/server": b"\x7fELF" + b"0" * 90, "/app/run.sh": "#!/bin/sh\nexec ./server --debug\n"})
    t = compare_trees(_side("b", before, cmd=["/app/server"]), _side("a", after, cmd=["/app/server"]))
    assert [c.split(":")[0] for c in t["rebuilt"]] == ["server", "/app/server"]
    assert [c.split(":")[0] for c in t["changed"]] == ["run.sh"]


def test_dev_groups_declared_by_the_apps_manifests():
    from slimmer.verify.python import declared_dev

    fs = ImageFS.from_entries({
        "/app/Pipfile": '[packages]\nbottle = "*"\n\n[dev-packages]\nwebtest = "==3.0.1"\nblack = "*"\n',
        "/app/pyproject.toml": '[tool.poetry.group.test.dependencies]\nhypothesis = "^6"\n[tool.poetry.group.docs.dependencies]\nsphinx = "*"\n'
                               '[dependency-groups]\nlint = ["flake8-bugbear>=24"]\n',
        "/app/requirements-dev.txt": "# tools\n-r requirements.txt\nfactory_boy==3.3\n",
        "/app/requirements.txt": "flask\n",
    })
    found = declared_dev(Side("before", "b", {"WorkingDir": "/app"}, fs))
    assert set(found) == {"webtest", "black", "hypothesis", "flake8-bugbear", "factory-boy"}
    assert found["webtest"] == "Pipfile [dev-packages]"
