"""slimmer verify against real images: equal images pass, and each way of breaking the
rewritten image is caught by the check that should catch it, naming what is missing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from slimmer.build import engine as eng
from slimmer.verify import verify_images
from slimmer.verify.repair import MARK, verify_rewrite

pytestmark = pytest.mark.engine

# A C extension linked against libgomp (OpenMP), as numpy/lightgbm/xgboost wheels are.
FAST_C = r"""
#include <Python.h>
#include <omp.h>
static PyObject *threads(PyObject *self, PyObject *args) { return PyLong_FromLong(omp_get_max_threads()); }
static PyMethodDef methods[] = {{"threads", threads, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fast", NULL, -1, methods};
PyMODINIT_FUNC PyInit__fast(void) { return PyModule_Create(&module); }
"""
SETUP_PY = """from setuptools import Extension, setup
setup(name="fastpkg", version="1.0", packages=["fastpkg"],
      ext_modules=[Extension("fastpkg._fast", ["fastpkg/_fast.c"], extra_compile_args=["-fopenmp"], extra_link_args=["-fopenmp"])])
"""
APP_PY = """import http.server, os, time
import fastpkg._fast, util
print("threads", fastpkg._fast.threads(), util.NAME, flush=True)
if os.path.exists("/etc/myapp/port"):
    port = int(open("/etc/myapp/port").read())
    http.server.HTTPServer(("0.0.0.0", port), http.server.SimpleHTTPRequestHandler).serve_forever()
else:
    time.sleep(3600)
"""
PY_FILES = {
    "fastpkg/setup.py": SETUP_PY,
    "fastpkg/fastpkg/__init__.py": "",
    "fastpkg/fastpkg/_fast.c": FAST_C,
    "app.py": APP_PY,
    "util.py": 'NAME = "util"\n',
    "myserver": "#!/usr/bin/env python3\nimport runpy, sys\nsys.path.insert(0, '/app')\nrunpy.run_path('/app/app.py', run_name='__main__')\n",
    "tests/test_app.py": "def test_nothing():\n    pass\n",
}
BEFORE = """FROM python:3.11
WORKDIR /app
COPY fastpkg /src/fastpkg
RUN pip install --no-index --no-build-isolation /src/fastpkg
COPY myserver /usr/local/bin/myserver
RUN chmod 755 /usr/local/bin/myserver && mkdir -p /etc/myapp && echo 8000 > /etc/myapp/port
COPY app.py util.py ./
COPY tests tests
EXPOSE 8000
CMD ["myserver"]
"""
# The rewrite a tool would write: build the wheel with the toolchain, install it on slim.
# It forgets that the extension needs libgomp.so.1 (libgomp1), which gcc brought in BEFORE.
REWRITE = """FROM python:3.11 AS builder
COPY fastpkg /src/fastpkg
RUN pip wheel --no-index --no-build-isolation --no-deps -w /wheels /src/fastpkg

FROM python:3.11-slim
WORKDIR /app
COPY --from=builder /wheels /wheels
RUN pip install --no-index /wheels/*.whl && rm -rf /wheels
COPY myserver /usr/local/bin/myserver
RUN chmod 755 /usr/local/bin/myserver && mkdir -p /etc/myapp && echo 8000 > /etc/myapp/port
COPY app.py util.py ./
EXPOSE 8000
CMD ["myserver"]
"""

NODE_FILES = {
    "package.json": json.dumps({"name": "web", "version": "1.0.0", "dependencies": {"tiny-dep": "1.0.0"}, "devDependencies": {"tiny-dev": "1.0.0"}}),
    "node_modules/tiny-dep/package.json": json.dumps({"name": "tiny-dep", "version": "1.0.0", "main": "index.js"}),
    "node_modules/tiny-dep/index.js": "module.exports = 42;\n",
    "node_modules/tiny-dev/package.json": json.dumps({"name": "tiny-dev", "version": "1.0.0"}),
    "server.js": "const dep = require('tiny-dep');\nconsole.log('dep', dep);\nsetInterval(() => {}, 1000);\n",
    "Dockerfile": 'FROM node:18-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
}

DISTROLESS_APP = "import http.server\nhttp.server.HTTPServer(('0.0.0.0', 8080), http.server.SimpleHTTPRequestHandler).serve_forever()\n"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def run_id(docker_engine):
    rid = eng.new_run_id()
    yield rid
    eng.cleanup(docker_engine, rid)


@pytest.fixture(scope="module")
def images(docker_engine, run_id, tmp_path_factory):
    """Build once: BEFORE, and one broken AFTER per failure, each derived from BEFORE."""
    folder = tmp_path_factory.mktemp("verify-py")
    write(folder, PY_FILES)
    labels = {eng.LABEL: run_id, "io.slimmer.test": "1"}
    tags = {}

    def build(name: str, text: str) -> None:
        path = folder / f"{name}.Dockerfile"
        path.write_text(text.replace("FROM before", f"FROM {tags.get('before', '')}"))
        tag = f"slimmer-test/verify-{name}:{run_id}"
        eng.build(str(folder), str(path), tag, labels)
        tags[name] = tag

    build("before", BEFORE)
    build("no-source-file", "FROM before\nRUN rm /app/util.py\n")
    build("no-entrypoint", "FROM before\nRUN rm /usr/local/bin/myserver\n")
    build("no-package", "FROM before\nRUN pip uninstall -y fastpkg\n")
    build("no-listen", "FROM before\nRUN rm /etc/myapp/port\n")
    build("slim-no-libgomp", REWRITE)
    tags["folder"] = str(folder)
    return tags


def by_name(result):
    return {c.name: c for c in result.checks}


def test_equal_images_pass(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["before"], startup_seconds=4)
    checks = by_name(result)
    assert result.ok, result.to_text(verbose=True)
    assert set(checks) == {"config", "executables", "libraries", "python", "node", "files", "startup"}
    assert "fastpkg" in checks["python"].summary or "import" in checks["python"].summary
    assert checks["libraries"].data["elf_files"] >= 2  # the extension and python3 itself
    assert checks["startup"].data["after"] == {"exit_code": None, "listening": [8000], "error": None}


def test_missing_library_is_named_with_its_package(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["slim-no-libgomp"], startup_seconds=4)
    checks = by_name(result)
    libs = checks["libraries"]
    assert not libs.ok
    assert "libgomp.so.1" in libs.summary and "libgomp1" in libs.summary
    assert libs.data["packages"] == ["libgomp1"]
    assert any("_fast" in user for m in libs.data["missing"] for user in m["needed_by"])
    # The app cannot start without it either: it exits where BEFORE serves.
    assert not checks["startup"].ok
    # What the slim rewrite changed on purpose is listed, not failed.
    assert checks["config"].ok and checks["files"].ok, result.to_text(verbose=True)
    assert any("intended drop" in d and "tests" in d for d in checks["files"].details)


def test_missing_source_file(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["no-source-file"], startup_seconds=0)
    files = by_name(result)["files"]
    assert not files.ok
    assert "/app/util.py" in files.summary


def test_entrypoint_not_on_path(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["no-entrypoint"], startup_seconds=0)
    exe = by_name(result)["executables"]
    assert not exe.ok
    assert "myserver" in exe.summary and "not found on PATH" in exe.summary


def test_removed_python_package(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["no-package"], startup_seconds=0)
    py = by_name(result)["python"]
    assert not py.ok
    assert "fastpkg 1.0" in py.summary and "missing in AFTER" in py.summary


def test_server_that_no_longer_listens(docker_engine, images):
    result = verify_images(docker_engine, images["before"], images["no-listen"], startup_seconds=6)
    checks = by_name(result)
    assert not checks["startup"].ok
    assert "8000" in checks["startup"].summary
    assert checks["files"].ok and checks["python"].ok and checks["libraries"].ok


def test_pruned_node_dependency(docker_engine, run_id, tmp_path):
    write(tmp_path, NODE_FILES)
    labels = {eng.LABEL: run_id, "io.slimmer.test": "1"}
    before = f"slimmer-test/verify-node:{run_id}"
    eng.build(str(tmp_path), str(tmp_path / "Dockerfile"), before, labels)
    (tmp_path / "pruned.Dockerfile").write_text(f"FROM {before}\nRUN rm -rf /app/node_modules/tiny-dep /app/node_modules/tiny-dev\n")
    after = f"slimmer-test/verify-node-pruned:{run_id}"
    eng.build(str(tmp_path), str(tmp_path / "pruned.Dockerfile"), after, labels)
    same = verify_images(docker_engine, before, before, startup_seconds=0)
    assert by_name(same)["node"].ok, same.to_text(verbose=True)
    assert "tiny-dep" in " ".join(by_name(same)["node"].details)
    result = verify_images(docker_engine, before, after, startup_seconds=0)
    node = by_name(result)["node"]
    assert not node.ok
    assert "tiny-dep" in node.summary and "tiny-dev" not in node.summary  # devDependencies may go


@pytest.mark.parametrize("read", ["overlay", "export"])
def test_distroless_after_is_verified(docker_engine, run_id, tmp_path, monkeypatch, read):
    """Distroless has no shell: the files come from the layers or one export, never from a
    program run in the image."""
    if read == "export":
        monkeypatch.setenv("SLIMMER_VERIFY_EXPORT", "1")
    (tmp_path / "app.py").write_text(DISTROLESS_APP)
    common = 'WORKDIR /app\nCOPY app.py .\nEXPOSE 8080\nENTRYPOINT ["/usr/bin/python3.11", "app.py"]\n'
    (tmp_path / "before.Dockerfile").write_text("FROM python:3.11-slim\n" + common)
    (tmp_path / "after.Dockerfile").write_text("FROM gcr.io/distroless/python3-debian12\n" + common)
    labels = {eng.LABEL: run_id, "io.slimmer.test": "1"}
    before, after = f"slimmer-test/verify-dl:{run_id}-before", f"slimmer-test/verify-dl:{run_id}-after"
    eng.build(str(tmp_path), str(tmp_path / "before.Dockerfile"), before, labels)
    eng.build(str(tmp_path), str(tmp_path / "after.Dockerfile"), after, labels)
    result = verify_images(docker_engine, before, after, startup_seconds=5)
    checks = by_name(result)
    for name in ("executables", "libraries", "python", "files", "startup"):
        assert checks[name].ok, result.to_text(verbose=True)
    assert checks["libraries"].data["elf_files"] >= 1  # python3.11 read from the export
    assert checks["startup"].data["after"]["listening"] == [8080]
    assert "/usr/bin/python3.11" in checks["executables"].summary or "python3.11" in " ".join(checks["executables"].details)


def test_cli_exit_codes_and_json(images):
    ok = subprocess.run([sys.executable, "-m", "slimmer", "verify", images["before"], images["before"], "--startup-seconds", "0", "--format", "json"],
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["ok"] is True and all(set(c) >= {"name", "ok", "details"} for c in doc["checks"])
    bad = subprocess.run([sys.executable, "-m", "slimmer", "verify", images["before"], images["no-source-file"], "--startup-seconds", "0"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1
    assert "FAILED  files" in bad.stdout and "/app/util.py" in bad.stdout
    missing = subprocess.run([sys.executable, "-m", "slimmer", "verify", "slimmer-test/no-such-image:0", images["before"]], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "slimmer: no local image 'slimmer-test/no-such-image:0'"


def test_repair_loop_installs_the_missing_runtime_library(docker_engine, images):
    outcome = verify_rewrite(BEFORE, REWRITE, images["folder"], startup_seconds=4, engine=docker_engine)
    assert outcome.ok, outcome.result.to_text(verbose=True)
    assert [r.packages for r in outcome.repairs] == [["libgomp1"]]
    assert "libgomp.so.1" in outcome.repairs[0].describe()
    assert MARK in outcome.text and "apt-get install -y --no-install-recommends libgomp1" in outcome.text
    # Nothing it built is left behind.
    assert outcome.run_id and not docker_engine.images.list(filters={"label": f"{eng.LABEL}={outcome.run_id}"})
    assert not docker_engine.containers.list(all=True, filters={"label": f"{eng.LABEL}={outcome.run_id}"})


def test_rewrite_verify_cli_repairs_then_writes(images, tmp_path, docker_engine):
    """`slimmer rewrite --verify`: slimmer's own split of BEFORE onto slim loses libgomp1;
    the repair adds it, verify passes, the file is written, nothing built is left."""
    folder = Path(images["folder"])
    (folder / "Dockerfile").write_text(BEFORE)
    out = tmp_path / "Dockerfile.opt"

    done = subprocess.run([sys.executable, "-m", "slimmer", "rewrite", str(folder / "Dockerfile"), "--verify", "--explain", "-o", str(out)],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    assert "verify repair: round 1: installed libgomp1" in done.stderr and "verify passed" in done.stderr
    text = out.read_text()
    assert "apt-get install -y --no-install-recommends libgomp1" in text
    assert text.index("FROM python:3.11-slim") < text.index(MARK)
    run_id = re.search(r"label io\.slimmer\.run=(\w+)\) is removed", done.stderr).group(1)
    assert not docker_engine.images.list(filters={"label": f"{eng.LABEL}={run_id}"})
    assert not docker_engine.containers.list(all=True, filters={"label": f"{eng.LABEL}={run_id}"})
