"""Check 7, start-up: each image runs its own command with no network for N seconds, and
the outcomes agree (both still running, or both exited with the same code). Where BEFORE
listens on an EXPOSE port, AFTER must listen on it too. Listening sockets are read from the
container's network namespace through the host's /proc (nothing is run inside the image),
or, where the engine is remote, with `cat` in the container when it has one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from slimmer.verify.model import Check, Side


@dataclass
class Outcome:
    exit_code: int | None  # None: still running after the window
    listening: set[int] = field(default_factory=set)
    seconds: float = 0.0
    logs: str = ""
    error: str | None = None
    late: bool = False  # watched past the window, waiting for BEFORE's ports

    def describe(self) -> str:
        if self.error:
            return f"did not start: {self.error}"
        state = "still running" if self.exit_code is None else f"exited {self.exit_code} after {self.seconds:.1f}s"
        ports = f", listening on {', '.join(map(str, sorted(self.listening)))}" if self.listening else ""
        late = f" (watched {self.seconds:.1f}s, past the window, for BEFORE's ports)" if self.late else ""
        return state + ports + late


def parse_proc_net(text: str, udp: bool = False) -> set[int]:
    """Local ports in LISTEN state (TCP 0A; for UDP, bound sockets 07) of /proc/net/tcp{,6}."""
    ports = set()
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 4:
            continue
        state = parts[3]
        if state == ("07" if udp else "0A"):
            try:
                ports.add(int(parts[1].rsplit(":", 1)[1], 16))
            except (IndexError, ValueError):
                continue
    return ports


def listening_ports(container, pid: int | None) -> set[int]:
    texts = []
    if pid:
        for name in ("tcp", "tcp6"):
            try:
                with open(f"/proc/{pid}/net/{name}", encoding="ascii", errors="replace") as fh:
                    texts.append(fh.read())
            except OSError:
                pass
    if not texts:
        try:
            code, out = container.exec_run(["cat", "/proc/net/tcp", "/proc/net/tcp6"])
            texts.append(out.decode(errors="replace"))
        except Exception:
            return set()
    ports = set()
    for t in texts:
        ports |= parse_proc_net(t)
    return ports


def observe(engine, side: Side, seconds: float, labels: dict[str, str], expect_ports=None, grace: float = 0) -> Outcome:
    """Run the image's own command for `seconds`. With expect_ports (a callable giving the
    ports BEFORE listened on), a container still running at the end gets up to `grace`
    more seconds to open them: a slower start on a loaded machine is not a difference."""
    start = time.monotonic()
    try:
        container = engine.containers.create(side.image, labels=labels, network_mode="none")
    except Exception as exc:
        return Outcome(None, error=f"{type(exc).__name__}: {str(exc)[:200]}")
    outcome = Outcome(None)
    try:
        try:
            container.start()
        except Exception as exc:
            outcome.error = f"{type(exc).__name__}: {str(exc)[:300]}"
            return outcome
        deadline = start + seconds
        while True:
            container.reload()
            state = container.attrs.get("State", {})
            if not state.get("Running"):
                outcome.exit_code = state.get("ExitCode")
                break
            outcome.listening |= listening_ports(container, state.get("Pid"))
            if time.monotonic() >= deadline:
                wanted = expect_ports() if expect_ports is not None else set()
                if grace > 0 and wanted - outcome.listening and time.monotonic() < start + seconds + grace:
                    outcome.late = True
                    time.sleep(0.25)
                    continue
                break
            time.sleep(0.25)
        outcome.seconds = time.monotonic() - start
        try:
            outcome.logs = container.logs(stdout=True, stderr=True, tail=20).decode(errors="replace")
        except Exception:
            pass
    finally:
        try:
            container.remove(force=True)
        except Exception:
            pass
    return outcome


def exposed_tcp(side: Side) -> set[int]:
    out = set()
    for key in side.config.get("ExposedPorts") or {}:
        port, _, proto = key.partition("/")
        if (proto or "tcp") == "tcp" and port.isdigit():
            out.add(int(port))
    return out


def judge(before: Outcome, after: Outcome, exposed: set[int], seconds: float) -> Check:
    problems = []
    # Watched past the window, AFTER was still running when the window closed.
    after_at_window = None if after.late else after.exit_code
    if after.error and not before.error:
        problems.append(f"AFTER {after.describe()}")
    elif before.exit_code != after_at_window:
        problems.append(f"BEFORE {before.describe()}, AFTER {after.describe()}")
    for port in sorted(exposed & before.listening):
        if port not in after.listening:
            problems.append(f"BEFORE listens on EXPOSE port {port}, AFTER does not")
    details = [f"failed: {p}" for p in problems] + [f"before: {before.describe()}", f"after: {after.describe()}"]
    if problems and after.logs.strip():
        details.append("AFTER's last output: " + after.logs.strip()[-600:])
    summary = "; ".join(problems) if problems else f"same outcome within {seconds:g}s: {after.describe()}"
    data = {"before": {"exit_code": before.exit_code, "listening": sorted(before.listening), "error": before.error},
            "after": {"exit_code": after.exit_code, "listening": sorted(after.listening), "error": after.error}}
    return Check("startup", not problems, summary, details, data)
