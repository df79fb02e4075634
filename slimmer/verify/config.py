"""Check 1, config: the settings a container starts with are the same in both images.

Differences a rewrite makes on purpose are listed as expected, never hidden: a virtual
environment's VIRTUAL_ENV and its bin folder put in front of PATH, labels that belong to
the base image (org.opencontainers.image.*, stand-in markers) or to slimmer's own runs, and
a shell-form command turned into the exec form of the same words.
"""

from __future__ import annotations

import json

from slimmer.verify.fs import env_map
from slimmer.verify.model import Check, shell_words

KEYS = ("Entrypoint", "Cmd", "Env", "User", "WorkingDir", "ExposedPorts", "Volumes", "Labels", "Healthcheck", "StopSignal", "Shell")
OWN_LABELS = ("io.slimmer.",)
BASE_LABELS = ("org.opencontainers.image.", "org.label-schema.", "maintainer")
# Set by a toolchain base image (golang, python, node, rust, java): gone or changed when the
# runtime stage starts from a slim or distroless base.
TOOLCHAIN_ENV = {
    "GOPATH", "GOLANG_VERSION", "GOTOOLCHAIN", "PYTHON_VERSION", "PYTHON_PIP_VERSION", "PYTHON_SETUPTOOLS_VERSION",
    "PYTHON_GET_PIP_URL", "PYTHON_GET_PIP_SHA256", "PYTHON_SHA256", "GPG_KEY", "NODE_VERSION", "YARN_VERSION",
    "RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION", "JAVA_HOME", "JAVA_VERSION", "MAVEN_HOME", "MAVEN_CONFIG", "SSL_CERT_FILE",
}
TOOLCHAIN_BIN = ("/usr/local/go/bin", "/go/bin", "/usr/local/cargo/bin", "/opt/java/openjdk/bin", "/usr/share/maven/bin")
EXPECTED_ENV = {"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"}


def _show(value) -> str:
    return json.dumps(value, sort_keys=True)


def _path_expected(before: str | None, after: str | None) -> bool:
    """AFTER's PATH is BEFORE's, in the same order, with bin folders (a virtual
    environment's, an install prefix's) added."""
    a = [d for d in (after or "").split(":") if d]
    b = [d for d in (before or "").split(":") if d and d not in TOOLCHAIN_BIN]
    extra = [d for d in a if d not in b]
    return [d for d in a if d in b] == b and all(d.rstrip("/").endswith("/bin") for d in extra)


def _same_dirs(before: str | None, after: str | None) -> bool:
    """The same folders in the same order once duplicates are dropped (a base image's PATH
    that lists /usr/local/bin twice finds the same programs)."""
    def dirs(value):
        return list(dict.fromkeys(d.rstrip("/") for d in (value or "").split(":") if d))

    return dirs(before) == dirs(after)


def _as_exec(value: list[str] | None) -> list[str] | None:
    if value and len(value) == 3 and value[0] in ("/bin/sh", "/bin/bash") and value[1] == "-c":
        return shell_words(value[2])
    return value


def diff_config(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(unexpected differences, expected differences), one line each."""
    bad: list[str] = []
    expected: list[str] = []
    for key in KEYS:
        x, y = before.get(key), after.get(key)
        if key == "Env":
            eb, ea = env_map(x), env_map(y)
            for name in sorted(set(eb) | set(ea)):
                vb, va = eb.get(name), ea.get(name)
                if vb == va:
                    continue
                line = f"Env {name}: {vb!r} -> {va!r}" if vb is not None and va is not None else (f"Env {name} only after: {va!r}" if vb is None else f"Env {name} only before: {vb!r}")
                if name in EXPECTED_ENV and vb is None or name == "NODE_ENV" and vb is None and va == "production":
                    expected.append(line + " (set by the rewrite's runtime stage)")
                elif name in TOOLCHAIN_ENV:
                    expected.append(line + " (set by the base image, which the runtime stage replaced)")
                elif name == "PATH" and _same_dirs(vb, va):
                    expected.append(line + " (the same folders in the same order)")
                elif name == "PATH" and _path_expected(vb, va):
                    expected.append(line + " (bin folders of a virtual environment or install prefix added, the toolchain's left out)")
                else:
                    bad.append(line)
            continue
        if key == "Labels":
            lb, la = x or {}, y or {}
            for name in sorted(set(lb) | set(la)):
                vb, va = lb.get(name), la.get(name)
                if vb == va:
                    continue
                line = f"Label {name}: {vb!r} -> {va!r}"
                if name.startswith(OWN_LABELS):
                    continue  # slimmer's own run labels: not the user's
                if name.startswith(BASE_LABELS):
                    expected.append(line + " (set by the base image)")
                else:
                    bad.append(line)
            continue
        if key in ("Entrypoint", "Cmd") and x != y and _as_exec(x) == _as_exec(y) and x is not None and y is not None:
            expected.append(f"{key}: {_show(x)} -> {_show(y)} (exec form of the same command)")
            continue
        if key == "WorkingDir":
            x, y = x or "/", y or "/"
        if (x or None) != (y or None):
            bad.append(f"{key}: {_show(x)} -> {_show(y)}")
    return bad, expected


def check_config(before, after) -> Check:
    bad, expected = diff_config(before.config, after.config)
    details = [f"differs: {line}" for line in bad] + [f"expected: {line}" for line in expected]
    if bad:
        summary = f"{len(bad)} difference(s): " + "; ".join(bad[:3])
    else:
        summary = "Entrypoint, Cmd, Env, User, WorkingDir, ports, volumes, labels, healthcheck, stop signal and shell match" + (f" ({len(expected)} expected difference(s))" if expected else "")
    return Check("config", not bad, summary, details, {"differences": bad, "expected": expected})
