"""Command line. Each command imports what it needs when it runs, so `--help` and a
pre-commit run of `analyze` stay fast (docker, networkx, bashlex and tabulate are slow
to import)."""

from __future__ import annotations

import os
import sys

import click

from slimmer import __version__
from slimmer.errors import EXIT_USAGE, SlimmerError

EPILOG = """\b
Examples:
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
                f"slimmer: internal error: {type(exc).__name__}: {exc} (set SLIMMER_DEBUG=1 for a traceback)",
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
