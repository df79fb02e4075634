"""Item-to-item recommendations with torch: items are embedded by a fixed random projection of
their hashed tags (no training, no download), neighbours by cosine similarity."""

import hashlib

import torch

CATALOG = {
    "gpu-server": ["cuda", "server", "rack", "compute"],
    "ml-workstation": ["cuda", "desk", "compute", "gpu"],
    "office-laptop": ["office", "battery", "light"],
    "gaming-laptop": ["gpu", "battery", "display"],
    "inference-box": ["cuda", "compute", "edge", "server"],
    "ebook-reader": ["display", "battery", "light"],
}
DIM, BUCKETS = 16, 64


def _bucket(tag: str) -> int:
    return int.from_bytes(hashlib.sha256(tag.encode()).digest()[:4], "big") % BUCKETS


_PROJECTION = torch.randn(BUCKETS, DIM, generator=torch.Generator().manual_seed(42))
_NAMES = sorted(CATALOG)


def embed(tags: list[str]) -> torch.Tensor:
    bag = torch.zeros(BUCKETS)
    for tag in tags:
        bag[_bucket(tag)] += 1.0
    return torch.nn.functional.normalize(bag @ _PROJECTION, dim=0)


_ITEMS = torch.stack([embed(CATALOG[name]) for name in _NAMES])


def similar(name: str, k: int = 2) -> list[str]:
    scores = _ITEMS @ _ITEMS[_NAMES.index(name)]
    order = [i for i in torch.argsort(scores, descending=True).tolist() if _NAMES[i] != name]
    return [_NAMES[i] for i in order[:k]]
