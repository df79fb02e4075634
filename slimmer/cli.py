"""Command line. Each command imports what it needs when it runs, so `--help` and a
pre-commit run of `analyze` stay fast (docker, networkx, bashlex and tabulate are slow
to import)."""

from __future__ import annotations

import os
import sys

import click

from slimmer import __version__
from slimmer.errors import EXIT_USAGE, SlimmerError, escape

EPILOG = """\b
Examples:
  slimmer analyze                     # ./Dockerfile
  slimmer analyze services/ --format sarif > slimmer.sarif
  slimmer analyze Dockerfile --fix
  slimmer rewrite -o Dockerfile.opt   # ./Dockerfile into a multi-stage build
  slimmer rewrite --diff --explain
  slimmer bench --smoke "python -c 'import app'" --format markdown
  slimmer rule SLM010
  slimmer graph Dockerfile --format mermaid
  slimmer graph examples/flask/Dockerfile --format json --target runtime
"""

DOCKERFILE = click.argument("dockerfile", required=False, default="Dockerfile", metavar="[DOCKERFILE]")


class SlimmerGroup(click.Group):
    """Turns input errors into one `FILE:LINE: message` line and a distinct exit code."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except SlimmerError as exc:
            click.echo(f"slimmer: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("slimmer: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            ctx.exit(0)
        except Exception as exc:  # a bug in slimmer: one line unless asked for more
            if os.environ.get("SLIMMER_DEBUG"):
                raise
            click.echo(
                escape(f"slimmer: internal error: {type(exc).__name__}: {exc} (set SLIMMER_DEBUG=1 for a traceback)"),
                err=True,
            )
            ctx.exit(3)


@click.group(cls=SlimmerGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slimmer")
def main() -> None:
    """Turn the Dockerfile you have into a lean, cache-friendly multi-stage build."""


@main.command(epilog=EPILOG)
@DOCKERFILE
@click.option("--target", help="Stage to build (default: the last one).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "mermaid", "dot"]),
    default="text",
    show_default=True,
    help="mermaid renders as a picture on GitHub; dot is for Graphviz.",
)
def graph(dockerfile: str, target: str | None, fmt: str) -> None:
    """Show the stage dependency graph of DOCKERFILE (default ./Dockerfile)."""
    from slimmer.model.graph import build_graph
    from slimmer.parse import parse_file
    from slimmer.render.graph_formats import render

    df = parse_file(dockerfile)
    click.echo(render(build_graph(df, target), fmt))


def _discover(paths: tuple[str, ...]) -> list[str]:
    """Files named Dockerfile, *.Dockerfile or Dockerfile.* under the given paths."""
    from slimmer.errors import DockerfileError

    found: list[str] = []
    for path in paths or ("Dockerfile",):
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                for name in sorted(files):
                    if _is_dockerfile_name(name):
                        found.append(os.path.join(root, name))
        elif os.path.exists(path):
            found.append(path)
        else:
            raise DockerfileError("no such file or directory", path)
    return found


def _is_dockerfile_name(name: str) -> bool:
    low = name.lower()
    if low.endswith((".bak", ".orig", ".dockerignore", ".swp", "~")):
        return False
    return low == "dockerfile" or low.endswith(".dockerfile") or low.startswith("dockerfile.")


def _write_atomically(path: str, text: str, force: bool = False, expect=None, backup: bool = False) -> str | None:
    """Replace the file as a careful editor does (slimmer/fileio.py): atomic, fsync'ed,
    through symlinks, mode/owner kept, read-only refused unless forced, an edit made
    meanwhile never lost; returns the backup's name when one was asked for."""
    from slimmer.fileio import write_text

    return write_text(path, text, force=force, expect=expect, backup=backup)


@main.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--fail-level", type=click.Choice(["info", "warning", "error"]), help="Exit 1 when a finding is at or above it (default warning).")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, apply unsafe fixes too.")
@click.option("--target", help="Stage to build (default: the last one).")
@click.option("--select", help="Only these rule ids, comma-separated.")
@click.option("--ignore", help="Rule ids or hadolint codes to skip, comma-separated.")
@click.option("--all-stages", is_flag=True, help="Run size rules on build stages too.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: nearest .slimmer.toml or pyproject.toml).")
@click.option("--force", is_flag=True, help="With --fix, replace read-only files too.")
def analyze(paths, fmt, fail_level, fix, unsafe_fixes, target, select, ignore, all_stages, config_path, force) -> None:
    """Find what makes images big and rebuilds slow, in the stages that ship.

    PATH is a Dockerfile or a folder to search (default ./Dockerfile).
    Exit 0: nothing at or above the fail level; 1: findings; 2: bad input.
    """
    from slimmer.config import load_config
    from slimmer.errors import EXIT_FINDINGS, EXIT_OK, DockerfileError
    from slimmer.parse import parse_file
    from slimmer.render import findings as out
    from slimmer.rules import all_rules
    from slimmer.rules.engine import Settings, analyze as run_rules, at_or_above

    files = _discover(paths)
    rules = all_rules()
    config = load_config(files[0] if files else os.getcwd(), config_path)
    settings = Settings(
        ignore=set(config.ignore) | ({c.strip().upper() for c in ignore.split(",")} if ignore else set()),
        select={c.strip().upper() for c in select.split(",")} if select else config.select,
        severity=config.severity,
        all_stages=all_stages or config.all_stages,
        target=target,
    )
    for rid in (settings.select or set()) | set(settings.severity):
        if rid not in rules:
            raise click.UsageError(f"unknown rule {rid}")
    level = fail_level or config.fail_level or "warning"
    findings = []
    stages_by_path = {}
    failed = False
    for path in files:
        try:
            snap = None
            if fix:
                from slimmer.fileio import check_writable, snapshot

                check_writable(path, force)
                snap = snapshot(path)
            df = parse_file(path)
            result = run_rules(df, settings)
            if fix:
                df, result = _fix_file(df, result, settings, unsafe_fixes, expect=snap, force=force)
        except SlimmerError as exc:
            if exc.exit_code != EXIT_USAGE:  # a bug in slimmer stops the run
                raise
            click.echo(f"slimmer: {exc}", err=True)
            failed = True
            continue
        finally:
            _say_not_read(path)
        stages_by_path[path] = df.stages
        findings.extend(result)
    if fmt == "text":
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(out.to_text(findings, colour, len(files)))
    elif fmt == "json":
        click.echo(out.to_json(findings, stages_by_path))
    elif fmt == "sarif":
        click.echo(out.to_sarif(findings, rules))
    elif fmt == "github":
        text = out.to_github(findings)
        if text:
            click.echo(text)
    else:
        click.echo(out.to_markdown(findings, len(files)))
    if failed:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if at_or_above(findings, level) else EXIT_OK)


def _say_not_read(dockerfile: str) -> None:
    """Files the Dockerfile names that slimmer refused to read (outside the build context,
    not regular, too large): said once each on stderr, so a result that lacks them is not
    taken for one that used them."""
    from slimmer.rules.context_files import skipped

    for name, why in skipped():
        click.echo(escape(f"slimmer: {dockerfile}: note: did not read {name}: {why}"), err=True)


def _fix_file(df, findings, settings, unsafe, expect=None, force=False):
    """Apply fixes until none is left to apply, then write the file once."""
    from slimmer.rules.engine import fix_to_fixed_point

    original = df.render()
    df, findings, done = fix_to_fixed_point(df, settings, unsafe, findings)  # an InternalError when it cannot finish
    if done and df.render() != original:
        _write_atomically(df.path, df.render(), force=force, expect=expect)
        for f in done:
            click.echo(escape(f"fixed {df.path}:{f.line}: {f.rule.id} {f.fix.description}"), err=True)
    return df, findings


@main.command(epilog=EPILOG)
@click.argument("dockerfiles", nargs=-1, metavar="[DOCKERFILE]")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the rewritten Dockerfile here (default: stdout).")
@click.option("--diff", is_flag=True, help="Print a unified diff instead of the file.")
@click.option("--check", is_flag=True, help="Exit 1 when the rewrite would change the file (for CI and pre-commit).")
@click.option("--in-place", is_flag=True, help="Rewrite the file itself (atomically), keeping DOCKERFILE.bak.")
@click.option("--target", help="Stage to build (default: the last one).")
@click.option("--explain", is_flag=True, help="Print every change and what was left alone, with the reason.")
@click.option("--skip", multiple=True, type=click.Choice(["split", "order", "runtime-libs", "prod-deps", "cuda", "hygiene"]), help="Switch a pass off (repeatable); `slimmer rewrite --passes` describes them.")
@click.option("--cpu-only", is_flag=True, help="Unsafe: install torch from the CPU wheel index (the image shows no GPU use).")
@click.option("--cache-mounts", is_flag=True, help="Add BuildKit cache mounts to dependency installs.")
@click.option("--exec-form", is_flag=True, help="Turn shell-form CMD/ENTRYPOINT into exec form (changes signal handling).")
@click.option("--force", is_flag=True, help="With -o or --in-place, replace a read-only file too.")
def rewrite(dockerfiles, output, diff, check, in_place, target, explain, skip, cpu_only, cache_mounts, exec_form, force) -> None:
    """Rewrite DOCKERFILE (default ./Dockerfile) into a lean multi-stage build.

    A builder stage keeps the toolchain; the runtime stage starts from a slim base and
    gets only the artifacts. Untouched lines keep their exact text; rewriting the output
    again changes nothing. With --check, several files may be given (pre-commit does).
    """
    from slimmer.errors import EXIT_FINDINGS

    dockerfiles = dockerfiles or ("Dockerfile",)
    if len(dockerfiles) > 1:
        if not check:
            raise click.UsageError("several Dockerfiles only go with --check")
        changed = False
        for path in dockerfiles:
            try:
                _rewrite_one(path, None, False, True, False, target, explain, skip, cpu_only, cache_mounts, exec_form)
            except SystemExit as exc:
                changed = changed or exc.code == EXIT_FINDINGS
        sys.exit(EXIT_FINDINGS if changed else 0)
    _rewrite_one(dockerfiles[0], output, diff, check, in_place, target, explain, skip, cpu_only, cache_mounts, exec_form, force)


def _rewrite_one(dockerfile, output, diff, check, in_place, target, explain, skip, cpu_only, cache_mounts, exec_form, force=False) -> None:
    from slimmer.errors import EXIT_FINDINGS
    from slimmer.parse import parse_file
    from slimmer.rewrite import Options

    if sum(bool(x) for x in (output, in_place)) > 1:
        raise click.UsageError("use either -o or --in-place")
    if output and os.path.exists(output) and os.path.samefile(output, dockerfile):
        raise click.UsageError("-o names the input file; use --in-place to rewrite it")
    snap = None
    if in_place or output:
        from slimmer.fileio import check_writable, snapshot

        check_writable(output or dockerfile, force)  # refuse before the work, not after
        snap = snapshot(dockerfile) if in_place else None
    df = parse_file(dockerfile)
    opts = Options(skip=set(skip), cpu_only=cpu_only, cache_mounts=cache_mounts, exec_form=exec_form, target=target)
    try:
        result = _run_rewrite(df, opts)
    finally:
        _say_not_read(dockerfile)
    if explain:
        for c in result.changes:
            where = f"{dockerfile}:{c.line}: " if c.line else f"{dockerfile}: "
            click.echo(escape(f"{where}{c.kind}: {c.reason}"), err=True)
        for n in result.notes:
            where = f"{dockerfile}:{n.line}: " if n.line else f"{dockerfile}: "
            click.echo(escape(f"{where}left alone: {n.reason}"), err=True)
    if check:
        if result.changed:
            click.echo(f"would rewrite {dockerfile}", err=True)
            sys.exit(EXIT_FINDINGS)
        return
    if diff:
        import difflib

        lines = difflib.unified_diff(
            result.original.splitlines(keepends=True),
            result.text.splitlines(keepends=True),
            fromfile=dockerfile,
            tofile=output or dockerfile,
        )
        sys.stdout.write("".join(lines))
        return
    if in_place:
        if result.changed:
            bak = _write_atomically(dockerfile, result.text, force=force, expect=snap, backup=True)
            click.echo(escape(f"rewrote {dockerfile} ({len(result.changes)} change(s); the original is in {bak})"), err=True)
        return
    if output:
        _write_atomically(output, result.text, force=force)
        click.echo(f"wrote {output} ({len(result.changes)} change(s))", err=True)
        return
    sys.stdout.write(result.text)


def _run_rewrite(df, opts):
    """The rewrite of a file that parsed. What the user's file holds is checked first (its
    graph and --target), so any error after that is slimmer's own: an internal error that
    names slimmer, leaves the file alone and says how to report it (exit 3)."""
    from slimmer.errors import InternalError
    from slimmer.model.graph import build_graph
    from slimmer.rewrite import rewrite as run_rewrite

    build_graph(df, opts.target)  # the user's own errors (cycles, unknown stages) blame the user's lines
    try:
        return run_rewrite(df, opts)
    except InternalError:
        raise
    except SlimmerError as exc:
        raise InternalError(f"a transformation failed ({exc.message})", df.path) from None


@main.command(epilog=EPILOG)
@DOCKERFILE
@click.option("--context", type=click.Path(file_okay=False, exists=True), help="Build context (default: the Dockerfile's folder).")
@click.option("--rewritten", type=click.Path(dir_okay=False, exists=True), help="The optimized Dockerfile (default: slimmer rewrites it).")
@click.option("--smoke", "smoke_args", help="Command to run in both images, e.g. \"python -c 'import app'\" (replaces the entrypoint). Default: smoke.toml in the context.")
@click.option("--smoke-expect", help="Text the smoke command must print.")
@click.option("--repeat", type=click.IntRange(1, 50), default=3, show_default=True, help="Builds per image; medians are reported.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here too.")
@click.option("--builder", help="buildx builder to use (e.g. a remote BuildKit); DOCKER_HOST is honoured.")
def bench(dockerfile, context, rewritten, smoke_args, smoke_expect, repeat, fmt, output, builder) -> None:
    """Build DOCKERFILE before and after the rewrite and measure both for real.

    Cold build (no cache), warm rebuild after editing one source file, image size,
    layers, wasted bytes, a smoke command in both images, and how they differ.
    Everything slimmer builds is labelled and removed at the end, also on Ctrl-C.
    """
    import shlex

    from slimmer.build.bench import Smoke, run_bench
    from slimmer.errors import EXIT_FINDINGS
    from slimmer.model.graph import build_graph
    from slimmer.parse import parse_file, parse_text
    from slimmer.render import bench_report
    from slimmer.render.graph_formats import to_mermaid
    from slimmer.rewrite import Options

    df = parse_file(dockerfile)
    context = context or os.path.dirname(os.path.abspath(dockerfile))
    if rewritten:
        with open(rewritten, encoding="utf-8", newline="") as fh:
            rewritten_text = fh.read()
        parse_text(rewritten_text, rewritten)  # a malformed file fails here, not mid-build
    else:
        rewritten_text = _run_rewrite(df, Options()).text
    smoke = None
    if smoke_args:
        words = shlex.split(smoke_args)
        smoke = Smoke(words[1:], words[:1], smoke_expect)
    elif os.path.exists(os.path.join(context, "smoke.toml")):
        smoke = Smoke.from_toml(os.path.join(context, "smoke.toml"))
        if smoke_expect:
            smoke.expect = smoke_expect
    live = sys.stderr.isatty()

    def progress(message: str) -> None:
        if live:
            click.echo(f"\r\033[K{message[:110]}", nl=False, err=True)

    try:
        report = run_bench(dockerfile, context, rewritten_text, smoke, repeat, builder, progress)
    finally:
        if live:
            click.echo("\r\033[K", nl=False, err=True)
    if fmt == "json":
        text = bench_report.to_json(report)
    elif fmt == "markdown":
        text = bench_report.to_markdown(report, to_mermaid(build_graph(parse_text(rewritten_text, dockerfile))))
    else:
        text = bench_report.to_table(report)
    click.echo(text)
    if output:
        _write_atomically(output, text if text.endswith("\n") else text + "\n")
    before_ok = (report["before"]["smoke"] or {}).get("ok", True)
    after_ok = (report["after"]["smoke"] or {}).get("ok", True)
    if before_ok and not after_ok:
        click.echo("slimmer: the rewritten image fails the smoke command that the original passes", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("reports", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option("--image", "images", multiple=True, help="Compare two local images instead: --image OLD --image NEW.")
@click.option("--max-growth", type=float, help="Exit 1 when the image grows by more than this many percent, or when the growth cannot be measured.")
def report(reports, images, max_growth) -> None:
    """The PR size report: compare two bench JSON results (OLD NEW) or two images."""
    import math

    from slimmer.errors import EXIT_FINDINGS
    from slimmer.render.bench_report import ReportError, compare, load_report

    if max_growth is not None and not math.isfinite(max_growth):
        raise click.BadParameter("must be a finite number of percent", param_hint="--max-growth")
    if images:
        if len(images) != 2 or reports:
            raise click.UsageError("give two --image options, or two report files")
        from slimmer.build import engine as eng
        from slimmer.build.measure import contents, inspect

        client = eng.client()
        data = []
        for tag in images:
            try:
                info = inspect(client, tag)
            except Exception:
                raise SlimmerError(f"no local image {tag!r}") from None
            data.append({"after": {"image_size_bytes": info["size"], "layers": info["layers"], "wasted_bytes": contents(client, tag).wasted_bytes}})
        old, new = data
    else:
        if len(reports) != 2:
            raise click.UsageError("give two bench JSON files: OLD NEW")
        loaded = []
        for path in reports:
            try:
                with open(path, encoding="utf-8") as fh:
                    loaded.append(load_report(fh.read()))
            except ReportError as exc:
                raise SlimmerError(f"not a bench JSON report: {exc}", path) from None
            except UnicodeDecodeError:
                raise SlimmerError("not a bench JSON report: not UTF-8 text", path) from None
            except OSError as exc:
                raise SlimmerError(f"cannot read: {exc.strerror}", path) from None
        old, new = loaded
    text, failed = compare(old, new, max_growth)
    click.echo(text, nl=False)
    if failed:
        sys.exit(EXIT_FINDINGS)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(fmt: str) -> None:
    """List every rule: id, severity, category, fix, title."""
    import json

    from slimmer.rules import all_rules

    rules = all_rules().values()
    if fmt == "json":
        click.echo(json.dumps([
            {"id": r.id, "name": r.name, "title": r.title, "severity": r.severity, "category": r.category,
             "scope": r.scope, "fix": r.fix, "aliases": list(r.aliases)} for r in rules], indent=2))
        return
    for r in rules:
        alias = f" ({', '.join(r.aliases)})" if r.aliases else ""
        fixmark = {"safe": "fix", "unsafe": "unsafe fix"}.get(r.fix or "", "")
        click.echo(f"{r.id}  {r.severity:7}  {r.category:11}  {fixmark:10}  {r.title}{alias}")


@main.command("rule")
@click.argument("rule_id")
def show_rule(rule_id: str) -> None:
    """Print a rule's docs: what it does, why, examples, fix safety."""
    from slimmer.rules import all_rules

    rules = all_rules()
    key = rule_id.upper()
    match = rules.get(key) or next((r for r in rules.values() if r.name == rule_id or key in r.aliases), None)
    if match is None:
        raise click.UsageError(f"unknown rule {rule_id!r}; `slimmer rules` lists them")
    click.echo(match.docs(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
