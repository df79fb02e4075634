"""slimmer: lean, cache-friendly multi-stage Dockerfiles, proven by building both."""

__version__ = "0.1.0"
