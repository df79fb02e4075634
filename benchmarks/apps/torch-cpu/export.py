"""Train TinyNet and save it as a TorchScript module (model.pt), at image build time."""

import sys

import torch

from model import train

if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "model.pt"
    scripted = torch.jit.script(train())
    scripted.save(path)
    print(f"saved {path} (torch {torch.__version__})")
