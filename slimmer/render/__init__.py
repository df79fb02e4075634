"""Rendering: the model back to Dockerfile text, and reports of graphs and findings."""
