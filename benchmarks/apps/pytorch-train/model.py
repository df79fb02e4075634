"""A tiny MLP that tells two interleaved spirals apart, and the synthetic data it learns from."""

import math

import torch
from torch import nn


def spirals(n: int = 200, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    t = torch.linspace(0.25, 3 * math.pi, n)
    arms = []
    for label, phase in ((0, 0.0), (1, math.pi)):
        x = torch.stack([t * torch.cos(t + phase), t * torch.sin(t + phase)], dim=1) / (3 * math.pi)
        arms.append((x + 0.02 * torch.randn(x.shape, generator=g), torch.full((n,), label)))
    return torch.cat([a[0] for a in arms]), torch.cat([a[1] for a in arms])


class SpiralNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
