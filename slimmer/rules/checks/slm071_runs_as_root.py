"""SLM071: the final image runs as root."""

from __future__ import annotations

from slimmer.rules import rule


def _user_part(ins) -> str | None:
    """The user of a USER instruction (variables expanded), or None when it is not known."""
    value = ins.expand(ins.args.strip()).strip("'\"")
    if "$" in value or not value:
        return None
    return value.split(":", 1)[0]


WINDOWS = ("windows", "servercore", "nanoserver")


@rule("SLM071")
def check(ctx, r):
    chain = ctx.stage_ancestry(ctx.target)
    last = None
    for stage in chain:
        for ins in stage.instructions:
            if ins.keyword == "USER":
                last = ins
    if last is not None:
        user = _user_part(last)
        if user in ("root", "0"):
            finding = r.finding(
                last,
                "the image runs as root: the last USER is root, so a compromised process owns the container; "
                "switch to an unprivileged user (USER 10001 or a user created with useradd) at the end",
            )
            finding.severity = "warning"
            yield finding
        return
    base = chain[0].image
    if base is None or base.is_scratch or (base.tag and "nonroot" in base.tag):
        return  # scratch has no users; distroless :nonroot images already run as 65532
    if any(w in base.repository.lower() for w in WINDOWS):
        return  # Windows containers have no root: ContainerUser / ContainerAdministrator
    target = ctx.target
    yield r.finding(
        target.from_instruction,
        f"the final stage sets no USER, so the image runs as root (unless {chain[0].base} sets a user); "
        f"add USER with an unprivileged user before CMD",
    )
