"""wordstats: word frequency statistics for text files and strings."""

__version__ = "0.3.1"
