"""python -m notes digest "2026-11-30 shipped the slim image" "Dec 1 2026 rebuilt in 0.1s" ..."""

from collections import defaultdict

import click
from dateutil import parser as dateparser


def split_note(text: str):
    """("2026-11-30 shipped it") -> (date, "shipped it"), with the date in any common format."""
    words = text.split()
    for cut in range(min(4, len(words)), 0, -1):
        try:
            when = dateparser.parse(" ".join(words[:cut]))
        except (ValueError, OverflowError):
            continue
        return when.date(), " ".join(words[cut:])
    raise click.BadParameter(f"no date at the start of {text!r}")


@click.group()
def cli():
    """Dated notes to weekly digests."""


@cli.command()
@click.argument("notes", nargs=-1, required=True)
def digest(notes):
    """Group NOTES by ISO week."""
    weeks = defaultdict(list)
    for note in notes:
        when, text = split_note(note)
        year, week, _ = when.isocalendar()
        weeks[(year, week)].append((when, text))
    for (year, week), items in sorted(weeks.items()):
        click.echo(f"{year}-W{week:02d}: {len(items)} note(s)")
        for when, text in sorted(items):
            click.echo(f"  {when.isoformat()} {text}")


if __name__ == "__main__":
    cli()
