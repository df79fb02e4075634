from click.testing import CliRunner

from wordstats.cli import main
from wordstats.core import top_words, words


def test_words_are_lowercased():
    assert words("The Cat") == ["the", "cat"]


def test_top_words_orders_by_count_then_word():
    assert top_words("b a b c a b", 2) == [("b", 3), ("a", 2)]


def test_stopwords_can_be_dropped():
    assert top_words("the cat and the hat", 1, keep_stopwords=False) == [("cat", 1)]


def test_cli_counts():
    result = CliRunner().invoke(main, ["top", "-n", "1", "the cat and the hat"])
    assert result.exit_code == 0
    assert "5 words" in result.output
