"""Tokenization service: a BERT WordPiece tokenizer built from the vocab.txt shipped here.

No model hub access: the tokenizer is constructed from the local vocabulary file.
"""

import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, jsonify, request
from transformers import BertTokenizerFast

VOCAB_FILE = os.environ.get("VOCAB_FILE", str(Path(__file__).with_name("vocab.txt")))

app = Flask(__name__)


@lru_cache(maxsize=1)
def get_tokenizer() -> BertTokenizerFast:
    return BertTokenizerFast(
        vocab_file=VOCAB_FILE, do_lower_case=True, clean_up_tokenization_spaces=False
    )


def tokenize(text: str) -> dict:
    tokenizer = get_tokenizer()
    encoding = tokenizer(text, truncation=True, max_length=128)
    return {
        "tokens": tokenizer.convert_ids_to_tokens(encoding["input_ids"]),
        "input_ids": encoding["input_ids"],
    }


@app.post("/tokenize")
def tokenize_route():
    text = (request.get_json(silent=True) or {}).get("text", "")
    return jsonify(tokenize(text))


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", vocab_size=get_tokenizer().vocab_size)


if __name__ == "__main__":
    import sys

    print(" ".join(tokenize(" ".join(sys.argv[1:]) or "hello world")["tokens"]))
