#!/opt/conda/bin/python
"""start-notebook.py of the jupyter/scipy-notebook stand-in: starts JupyterLab when an image
built on the stand-in installed it (the stand-in itself has no Jupyter server)."""
import os
import shutil
import sys

jupyter = shutil.which("jupyter")
if jupyter is None:
    sys.exit("start-notebook.py: this stand-in of jupyter/scipy-notebook has no Jupyter server; "
             "`pip install jupyterlab` in an image built on it, or run your own command")
port = os.environ.get("JUPYTER_PORT", "8888")
os.execv(jupyter, [jupyter, "lab", "--ip=0.0.0.0", f"--port={port}", "--no-browser", *sys.argv[1:]])
