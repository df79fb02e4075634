import re
from collections import Counter

WORD = re.compile(r"[a-z0-9']+")
STOPWORDS = frozenset({"a", "an", "and", "in", "is", "it", "of", "on", "or", "the", "to"})


def words(text: str, keep_stopwords: bool = True) -> list[str]:
    found = WORD.findall(text.lower())
    return found if keep_stopwords else [w for w in found if w not in STOPWORDS]


def top_words(text: str, n: int = 5, keep_stopwords: bool = True) -> list[tuple[str, int]]:
    counts = Counter(words(text, keep_stopwords))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
