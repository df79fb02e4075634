"""Check 8, the user's smoke command (--smoke, smoke.toml), run in both images."""

from __future__ import annotations

import shlex

from slimmer.verify.model import Check


def check_smoke(engine, before_image: str, after_image: str, smoke, run_id: str, label: str, pool=None) -> Check:
    from slimmer.build import measure

    def one(image):
        return measure.smoke(engine, image, smoke.entrypoint, smoke.command, smoke.expect, run_id, label, smoke.timeout)

    if pool is not None:
        fb, fa = pool.submit(one, before_image), pool.submit(one, after_image)
        b, a = fb.result(), fa.result()
    else:
        b, a = one(before_image), one(after_image)
    cmd = shlex.join((smoke.entrypoint or []) + smoke.command)
    want = f" printing {smoke.expect!r}" if smoke.expect else ""
    details = [f"before: exit {b.exit_code}{' ok' if b.ok else ' FAILED'}", f"after: exit {a.exit_code}{' ok' if a.ok else ' FAILED'}"]
    if not a.ok:
        details.append("AFTER's output: " + a.output.strip()[-600:])
    if a.ok:
        summary = f"`{cmd}` exits 0{want} in AFTER" + ("" if b.ok else " (it fails in BEFORE)")
    else:
        summary = f"`{cmd}` fails in AFTER (exit {a.exit_code}{', expected output missing' if a.exit_code == 0 else ''})" + ("" if b.ok else "; it fails in BEFORE too")
    return Check("smoke", a.ok, summary, details, {"before": {"ok": b.ok, "exit_code": b.exit_code}, "after": {"ok": a.ok, "exit_code": a.exit_code}})
