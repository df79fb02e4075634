"""Running a program in an image for a check: no network, labelled with the run, removed
afterwards, stopped at a timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Ran:
    exit_code: int | None  # None: still running at the timeout (then killed)
    stdout: str
    stderr: str
    seconds: float


def run(engine, image: str, argv: list[str], labels: dict[str, str], *, entrypoint: list[str] | None = None,
        user: str | None = None, workdir: str | None = None, timeout: float = 60) -> Ran:
    """Run entrypoint+argv (entrypoint None keeps the image's) and collect its output."""
    start = time.perf_counter()
    kwargs = {"labels": labels, "network_mode": "none"}
    if entrypoint is not None:
        kwargs["entrypoint"] = entrypoint
    if user is not None:
        kwargs["user"] = user
    if workdir:
        kwargs["working_dir"] = workdir
    container = engine.containers.create(image, command=argv, **kwargs)
    try:
        container.start()
        try:
            code = container.wait(timeout=timeout).get("StatusCode")
        except Exception:
            code = None
            try:
                container.kill()
            except Exception:
                pass
        out = container.logs(stdout=True, stderr=False).decode(errors="replace")
        err = container.logs(stdout=False, stderr=True).decode(errors="replace")
    finally:
        try:
            container.remove(force=True)
        except Exception:
            pass
    return Ran(code, out, err, time.perf_counter() - start)
