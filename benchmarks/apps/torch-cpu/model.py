"""A tiny sentiment-style classifier: bag of hashed tokens -> 2 logits."""

import torch
from torch import nn

VOCAB_BUCKETS = 64
LABELS = ("negative", "positive")
POSITIVE = {"good", "great", "lean", "fast", "small", "love", "nice"}
NEGATIVE = {"bad", "slow", "huge", "bloated", "hate", "broken", "awful"}


def bucket(word: str) -> int:
    # A stable hash (Python's hash() is salted per process).
    return sum((i + 1) * ord(c) for i, c in enumerate(word)) % VOCAB_BUCKETS


def featurize(text: str) -> torch.Tensor:
    features = torch.zeros(VOCAB_BUCKETS)
    for word in text.lower().split():
        features[bucket(word.strip(".,!?"))] += 1.0
    return features


class TinyNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(VOCAB_BUCKETS, 16)
        self.out = nn.Linear(16, len(LABELS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.hidden(x)))


def train(steps: int = 300) -> TinyNet:
    torch.manual_seed(0)
    words = [(w, 1) for w in sorted(POSITIVE)] + [(w, 0) for w in sorted(NEGATIVE)]
    x = torch.stack([featurize(w) for w, _ in words])
    y = torch.tensor([label for _, label in words])
    net = TinyNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
    return net.eval()
