"""The Dockerfile model and its stage graph: what every other part of slimmer reads."""
