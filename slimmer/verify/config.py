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


def base_config(engine, attrs: dict) -> tuple[str, dict] | None:
    """(tag, Config) of the local image this one was built on: the one whose layers are the
    longest proper prefix of its layers. What it sets, the Dockerfile did not."""
    layers = (attrs.get("RootFS") or {}).get("Layers") or []
    best = None
    try:
        candidates = engine.images.list()
    except Exception:
        return None
    for image in candidates:
        other = (image.attrs.get("RootFS") or {}).get("Layers") or []
        if other and len(other) < len(layers) and layers[: len(other)] == other and (best is None or len(other) > len(best[0])):
            best = (other, image)
    if best is None:
        return None
    image = best[1]
    return (image.tags[0] if image.tags else image.id[:19]), image.attrs.get("Config") or {}


def diff_config(before: dict, after: dict, bases: tuple[dict | None, dict | None] = (None, None)) -> tuple[list[str], list[str]]:
    """(unexpected differences, expected differences), one line each. bases: the Config of
    each image's base image, when known: an Env or Label value that each image has from
    its own base (not from its Dockerfile) is an expected difference."""
    bad: list[str] = []
    expected: list[str] = []
    base_b, base_a = bases

    def from_bases(kind: str, name: str, vb, va) -> bool:
        if base_b is None or base_a is None:
            return False
        if kind == "Env":
            return env_map(base_b.get("Env")).get(name) == vb and env_map(base_a.get("Env")).get(name) == va
        return (base_b.get("Labels") or {}).get(name) == vb and (base_a.get("Labels") or {}).get(name) == va
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
                elif from_bases("Env", name, vb, va):
                    expected.append(line + " (each image has it from its base image, not from its Dockerfile)")
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
                if name.startswith(BASE_LABELS) or from_bases("Labels", name, vb, va):
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


def check_config(before, after, bases: tuple[dict | None, dict | None] = (None, None)) -> Check:
    bad, expected = diff_config(before.config, after.config, bases)
    details = [f"differs: {line}" for line in bad] + [f"expected: {line}" for line in expected]
    if bad:
        summary = f"{len(bad)} difference(s): " + "; ".join(bad[:3])
    else:
        summary = "Entrypoint, Cmd, Env, User, WorkingDir, ports, volumes, labels, healthcheck, stop signal and shell match" + (f" ({len(expected)} expected difference(s))" if expected else "")
    return Check("config", not bad, summary, details, {"differences": bad, "expected": expected})
