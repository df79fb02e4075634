"""`slimmer verify`: prove that AFTER (a rewritten image) behaves like BEFORE, without a
hand-written smoke test.

Python API (what `slimmer verify`, `slimmer bench`, `slimmer rewrite --verify` and other
tools call)::

    from slimmer.build.engine import client
    from slimmer.verify import verify_images

    result = verify_images(client(), "app:before", "app:after",
                           smoke=None,            # a slimmer.build.bench.Smoke, or None
                           startup_seconds=10,    # how long each image's own command runs
                           intended={"pytest"})   # extra distributions dropped on purpose
    result.ok                 # every check passed
    result.failed             # names of the checks that failed
    result.to_dict()          # {"before", "after", "ok", "seconds", "checks": [{name, ok, summary, details, data}]}
    result.to_text()          # the report a person reads
    result.missing_packages() # packages BEFORE had that provide the libraries AFTER lacks

The checks, in order: config, executables, libraries, python, node, files, startup, and
smoke when one is given. Each image's filesystem is read once without running anything in
it: from its overlay2 layer folders when the engine runs on this machine, else from one
`docker export` (a container that is created, never started) read as a tar. Nothing runs
a shell in the images, so distroless and scratch images are verified too. Programs run only where a check needs the
image's own interpreter (imports, require.resolve) or its own command (start-up), always
with no network; every container carries io.slimmer.run=<run id> and is removed at the end.

Errors: an image that does not exist raises SlimmerError (`no local image 'NAME'`), which
the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slimmer.errors import SlimmerError
from slimmer.verify.model import Check, Side

ORDER = ("config", "executables", "libraries", "python", "node", "files", "startup", "smoke")


@dataclass
class VerifyResult:
    before: str
    after: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.ok]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def missing_packages(self) -> list[str]:
        libs = self.check("libraries")
        return list(libs.data.get("packages", [])) if libs else []

    def to_dict(self) -> dict:
        return {"before": self.before, "after": self.after, "ok": self.ok, "seconds": round(self.seconds, 3),
                "checks": [c.to_dict() for c in self.checks]}

    def to_text(self, verbose: bool = False) -> str:
        lines = [f"slimmer verify {self.before} {self.after}"]
        for c in self.checks:
            lines.append(f"  {'passed' if c.ok else 'FAILED'}  {c.name:<12} {c.summary}")
            shown = c.details if (verbose or not c.ok) else [d for d in c.details if d.startswith("expected")]
            for d in shown[:25]:
                lines.append(f"            {'':<12} {d}")
            if len(shown) > 25:
                lines.append(f"            {'':<12} … {len(shown) - 25} more (--format json has them all)")
        verdict = "proven: every check passed" if self.ok else "NOT proven: " + ", ".join(self.failed) + " failed"
        lines.append(f"{verdict} ({self.seconds:.1f}s)")
        return "\n".join(lines)


def _inspect(engine, image: str) -> dict:
    import docker.errors

    try:
        return engine.images.get(image).attrs
    except docker.errors.ImageNotFound:
        raise SlimmerError(f"no local image {image!r}") from None
    except docker.errors.APIError as exc:
        raise SlimmerError(f"cannot inspect image {image!r}: {exc.explanation or exc}") from None


def _exposed_ports_of(future, config: dict):
    """The EXPOSE ports BEFORE listened on, once its start-up run is over."""
    from slimmer.verify import startup

    exposed = startup.exposed_tcp(Side("before", "", config, None))
    return lambda: future.result().listening & exposed


def verify_images(engine, before: str, after: str, *, smoke=None, startup_seconds: float = 10, intended: set[str] | None = None,
                  run_id: str | None = None) -> VerifyResult:
    """Run every check of AFTER against BEFORE (image tags or ids); see the module docstring."""
    from slimmer.build import engine as eng
    from slimmer.verify import config, executables, files, libs, node, python, startup
    from slimmer.verify.fs import ImageFS
    from slimmer.verify.smoke import check_smoke

    start = time.perf_counter()
    attrs = {"before": _inspect(engine, before), "after": _inspect(engine, after)}
    own_run = run_id is None
    run_id = run_id or eng.new_run_id()
    labels = {eng.LABEL: run_id}
    result = VerifyResult(before, after)
    fss: dict = {}
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            runs = None
            if startup_seconds > 0:
                runs = {"before": pool.submit(startup.observe, engine, Side("before", before, attrs["before"].get("Config") or {}, None), startup_seconds, labels)}
                expected_ports = _exposed_ports_of(runs["before"], attrs["before"].get("Config") or {})
                runs["after"] = pool.submit(startup.observe, engine, Side("after", after, attrs["after"].get("Config") or {}, None), startup_seconds, labels,
                                            expected_ports, startup_seconds)
            exports = {n: pool.submit(ImageFS.load, engine, img, labels) for n, img in (("before", before), ("after", after))}
            base_futures = {n: pool.submit(config.base_config, engine, attrs[n]) for n in ("before", "after")}
            for n, fut in exports.items():
                fss[n] = fut.result()
            b = Side("before", before, attrs["before"].get("Config") or {}, fss["before"])
            a = Side("after", after, attrs["after"].get("Config") or {}, fss["after"])
            py = pool.submit(python.check_python, engine, b, a, labels, intended, pool)
            nd = pool.submit(node.check_node, engine, b, a, labels, pool)
            found = {n: f.result() for n, f in base_futures.items()}
            result.checks.append(config.check_config(b, a, tuple((found[n] or (None, None))[1] for n in ("before", "after"))))
            result.checks.append(executables.check_executables(b, a))
            result.checks.append(libs.check_libraries(b, a))
            result.checks.append(py.result())
            result.checks.append(nd.result())
            result.checks.append(files.check_files(b, a, _base_lookup(engine, found["before"], labels, fss)))
            if runs is not None:
                result.checks.append(startup.judge(runs["before"].result(), runs["after"].result(), startup.exposed_tcp(b), startup_seconds))
            if smoke is not None:
                result.checks.append(check_smoke(engine, before, after, smoke, run_id, eng.LABEL, pool))
    finally:
        for fs in fss.values():
            fs.close()
        if own_run:
            for container in engine.containers.list(all=True, filters={"label": f"{eng.LABEL}={run_id}"}):
                try:
                    container.remove(force=True)
                except Exception:
                    pass
    result.seconds = time.perf_counter() - start
    return result


def _base_lookup(engine, found, labels: dict[str, str], fss: dict):
    """path -> whether BEFORE's base image (a local image whose layers BEFORE starts with)
    has it; its filesystem is read the first time a path is asked about."""
    if not found:
        return None
    from slimmer.verify.fs import ImageFS

    tag = found[0]

    def in_base(path: str) -> bool:
        if "base" not in fss:
            try:
                fss["base"] = ImageFS.load(engine, tag, labels)
            except Exception:
                return False
        return fss["base"].lexists(path)

    return in_base


__all__ = ["verify_images", "VerifyResult", "Check", "ORDER"]
