"""Writes weights/tokenizer.json and weights/sentiment.npz: a word-level tokenizer and the
weights of a bag-of-words sentiment model (seeded random embeddings, class directions set from
two small word lists). Run once; both files are committed (the image only reads them)."""

import numpy as np
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

POSITIVE = "fast lean small good great clean quick love tidy reliable".split()
NEGATIVE = "slow bloated huge bad broken messy fragile hate stale leaky".split()
FILLER = ("the a an image build is was this that and but very so it runs layer cache base "
          "docker model weights service ship container").split()
vocab = {"[UNK]": 0}
for word in POSITIVE + NEGATIVE + FILLER:
    vocab.setdefault(word, len(vocab))
tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.save("weights/tokenizer.json")

rng = np.random.default_rng(11)
dim = 256
embeddings = rng.normal(0, 0.1, (len(vocab), dim)).astype(np.float32)
direction = rng.normal(0, 1, dim).astype(np.float32)
direction /= np.linalg.norm(direction)
for word in POSITIVE:
    embeddings[vocab[word]] += direction
for word in NEGATIVE:
    embeddings[vocab[word]] -= direction
classifier = np.stack([-direction, direction], axis=1).astype(np.float32)  # dim x 2: negative, positive
np.savez_compressed("weights/sentiment.npz", embeddings=embeddings, classifier=classifier, bias=np.zeros(2, np.float32))
print(len(vocab), "tokens,", embeddings.shape, "embeddings")
