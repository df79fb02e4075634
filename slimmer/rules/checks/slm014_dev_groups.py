"""SLM014: poetry / pipenv / uv installing development dependency groups in a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import dev_image, dev_like, has, option_values, pyproject, scan

_POETRY_VALUE = {"--with", "--without", "--only", "-E", "--extras", "-C", "--directory", "-P", "--project"}
_UV_VALUE = {"--group", "--no-group", "--only-group", "--extra", "--no-extra", "--package", "-p", "--python",
             "--directory", "--project", "--index", "--index-url", "--extra-index-url", "--default-index",
             "-i", "-f", "--find-links", "--index-strategy", "--resolution", "--prerelease", "--link-mode",
             "--config-file", "--exclude-newer", "--no-install-package", "-C", "--config-setting", "--color",
             "--cache-dir", "--python-platform", "--refresh-package", "-P", "--upgrade-package",
             "--reinstall-package", "--no-build-package", "--no-binary-package", "--only-binary-package",
             "--keyring-provider", "--allow-insecure-host", "--script"}


def _split(values: list[str]) -> set[str]:
    return {g.strip().lower() for v in values for g in v.split(",") if g.strip()}


def _poetry_groups(project: dict | None) -> dict[str, bool] | None:
    """Groups pyproject declares for poetry, with whether each is optional; None when unknown."""
    if project is None:
        return None
    poetry = project.get("tool", {}).get("poetry", {})
    groups = {name.lower(): bool(spec.get("optional", False)) for name, spec in poetry.get("group", {}).items()}
    for name in project.get("dependency-groups", {}):  # PEP 735 groups (poetry >= 2.2)
        groups.setdefault(name.lower(), False)
    if poetry.get("dev-dependencies"):
        groups.setdefault("dev", False)
    return groups


def _poetry(c, project) -> list[str] | None:
    options, _ = scan(c.args, _POETRY_VALUE)
    if has(options, "--no-dev", "--only-root"):
        return None
    only = _split(option_values(options, "--only"))
    without = _split(option_values(options, "--without"))
    with_ = _split(option_values(options, "--with"))
    groups = _poetry_groups(project)
    if groups is None:
        # pyproject.toml unknown: trust any --only / --without as deliberate.
        if only or without:
            return [g for g in only if dev_like(g)] or None
        return ["dev"]
    installed = only if only else ({g for g, optional in groups.items() if not optional} | with_) - without
    return sorted(g for g in installed if g != "main" and dev_like(g)) or None


def _uv_groups(project: dict | None) -> tuple[set[str], set[str]] | None:
    """(all dependency groups, the default ones) of the project; None when unknown."""
    if project is None:
        return None
    groups = {g.lower() for g in project.get("dependency-groups", {})}
    uv = project.get("tool", {}).get("uv", {})
    if uv.get("dev-dependencies"):
        groups.add("dev")
    default = uv.get("default-groups", ["dev"])
    default = groups if default == "all" else {g.lower() for g in default}
    return groups, default & groups


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")


def _uv(c, env, project) -> list[str] | None:
    options, _ = scan(c.args, _UV_VALUE)
    no_defaults = has(options, "--no-dev", "--no-default-groups") or _truthy(env.get("UV_NO_DEV")) \
        or _truthy(env.get("UV_NO_DEFAULT_GROUPS"))
    only = _split(option_values(options, "--only-group")) | ({"dev"} if has(options, "--only-dev") else set())
    add = _split(option_values(options, "--group"))
    drop = _split(option_values(options, "--no-group"))
    known = _uv_groups(project)
    if only:
        installed = only
    elif known is None:
        if has(options, "--all-groups"):
            return ["all"]
        if no_defaults or drop:
            installed = add  # the defaults were left out on purpose
        else:
            installed = add | {"dev"}
    elif has(options, "--all-groups"):
        installed = known[0] - drop
    else:
        installed = ((set() if no_defaults else known[1]) | add) - drop
    return sorted(g for g in installed if dev_like(g) or g == "all") or None


def _pipenv(c, env) -> list[str] | None:
    if c.has_option("--dev", "-d") or env.get("PIPENV_DEV", "").lower() in ("1", "true", "yes", "on"):
        return ["[dev-packages]"]
    return None


@rule("SLM014")
def check(ctx, r):
    if dev_image(ctx):
        return
    project = pyproject(ctx.context_dir)
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                env = {k: v for k, v in ins.scope.items() if v is not None} | dict(c.assignments)
                if c.name == "poetry" and c.subcommand in ("install", "sync"):
                    groups, hint = _poetry(c, project), "add --only main (or --without dev)"
                elif c.name == "uv" and c.subcommand == "sync":
                    groups, hint = _uv(c, env, project), "add --no-dev"
                elif c.name == "pipenv" and c.subcommand in ("install", "sync"):
                    groups, hint = _pipenv(c, env), "drop --dev"
                else:
                    continue
                if groups:
                    what = "every dependency group" if groups == ["all"] else f"the {', '.join(groups)} dependencies"
                    yield r.finding(ins, f"{c.name} {c.subcommand} installs {what} in a stage that ships: "
                                    f"test and lint tools end up in the image; {hint}")
                    break
