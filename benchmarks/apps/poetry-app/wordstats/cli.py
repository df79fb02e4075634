import sys

import click
from rich.console import Console
from rich.table import Table

from wordstats import __version__
from wordstats.core import top_words, words


@click.group()
@click.version_option(__version__)
def main() -> None:
    """Word frequency statistics."""


@main.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "path", type=click.File("r"), help="Read the text from a file.")
@click.option("-n", "--top", default=5, show_default=True, help="How many words to list.")
@click.option("--no-stopwords", is_flag=True, help="Leave out common English words.")
def top(text: str | None, path, top: int, no_stopwords: bool) -> None:
    """List the most frequent words of TEXT (or --file, or standard input)."""
    if text is None:
        text = path.read() if path else sys.stdin.read()
    table = Table("word", "count")
    for word, count in top_words(text, top, keep_stopwords=not no_stopwords):
        table.add_row(word, str(count))
    Console(width=60).print(table)
    click.echo(f"{len(words(text))} words")


if __name__ == "__main__":
    main()
