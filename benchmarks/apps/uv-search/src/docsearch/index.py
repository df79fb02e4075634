import hashlib

import numpy as np

DOCS = {
    "cuda-images": "Build CUDA images on the devel tag, ship them on the runtime tag.",
    "pip-cache": "Pip keeps a download cache; remove it or mount it during the build.",
    "multi-stage": "A multi-stage build leaves compilers in the builder stage.",
    "weights": "Copy model weights after the dependency layers so code edits stay cheap.",
    "uv-sync": "uv sync installs the locked dependencies into the project virtual environment.",
}
DIM = 512


def vector(text: str) -> np.ndarray:
    text = f"  {text.lower()}  "
    v = np.zeros(DIM)
    for i in range(len(text) - 2):
        v[int.from_bytes(hashlib.md5(text[i : i + 3].encode()).digest()[:4], "little") % DIM] += 1
    return v / np.linalg.norm(v)


_NAMES = sorted(DOCS)
_MATRIX = np.stack([vector(DOCS[n]) for n in _NAMES])


def search(query: str, k: int = 1) -> list[tuple[str, float]]:
    scores = _MATRIX @ vector(query)
    return [(_NAMES[i], round(float(scores[i]), 3)) for i in np.argsort(-scores)[:k]]
