"""Classify the text given on the command line with the scripted model."""

import sys

import torch

from model import LABELS, featurize

torch.set_num_threads(1)


def load(path: str = "model.pt") -> torch.jit.ScriptModule:
    return torch.jit.load(path)


def classify(text: str, model=None) -> str:
    model = model or load()
    with torch.no_grad():
        logits = model(featurize(text).unsqueeze(0))
    return LABELS[int(logits.argmax(dim=1))]


if __name__ == "__main__":
    text = " ".join(sys.argv[1:]) or "great"
    print(f"{text!r} -> {classify(text)} (torch {torch.__version__})")
