"""The shared sentence encoder: the pinned model file, unit vectors, batching and the cache."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kindred.core import sentence_encoder as se
from kindred.core.sentence_encoder import (
    MINILM_L6_INT8,
    MINILM_L6_Q8,
    PARAPHRASE_MINILM_L3,
    PARAPHRASE_MINILM_L3_Q8,
    EncoderSpec,
    SentenceEncoder,
    get_encoder,
)

# Peer matching reads MiniLM-L6, the risk screen both with int8 products: both ship in pinned
# wheels.
SPECS = pytest.mark.parametrize(
    "spec",
    [MINILM_L6_INT8, PARAPHRASE_MINILM_L3, MINILM_L6_Q8, PARAPHRASE_MINILM_L3_Q8],
    ids=["L6", "L3", "L6-q8", "L3-q8"],
)

TEXTS = [
    "hello there",
    "i have been feeling low for weeks and nothing helps, not even music or long walks",
    "ok",
    "the group meeting moved to thursday afternoon because the room was booked",
    "Ça va? 😂",
]


def test_model_file_of_a_missing_distribution_names_it() -> None:
    spec = dataclasses.replace(MINILM_L6_INT8, distribution="kindred-no-such-model")
    with pytest.raises(RuntimeError, match="'kindred-no-such-model' is not installed"):
        se.model_file(spec)


@SPECS
def test_model_file_of_the_shipped_model_exists(spec: EncoderSpec) -> None:
    assert se.model_file(spec).is_file()


@SPECS
def test_a_file_with_another_sha256_is_refused(spec: EncoderSpec) -> None:
    # Vectors from another file would lie in another space than the trained heads expect.
    with pytest.raises(RuntimeError, match="unexpected embedding model file"):
        SentenceEncoder(dataclasses.replace(spec, sha256="0" * 64))


@SPECS
def test_encode_gives_unit_rows_and_zero_rows_for_blank_texts(spec: EncoderSpec) -> None:
    enc = get_encoder(spec)
    out = enc.encode([TEXTS[0], "", "   \n\t", TEXTS[1]])
    assert out.shape == (4, spec.dim)
    assert out.dtype == np.float32
    assert np.linalg.norm(out, axis=1) == pytest.approx([1.0, 0.0, 0.0, 1.0], abs=1e-5)
    assert not out[1].any() and not out[2].any()
    assert enc.encode([]).shape == (0, spec.dim)


@SPECS
def test_encode_ranks_related_texts_closer(spec: EncoderSpec) -> None:
    a, b, c = get_encoder(spec).encode(
        ["i feel hopeless", "i have no hope left", "the train was late"]
    )
    assert a @ b > a @ c


@pytest.mark.parametrize(
    ("q8", "f32"), [(MINILM_L6_Q8, MINILM_L6_INT8), (PARAPHRASE_MINILM_L3_Q8, PARAPHRASE_MINILM_L3)]
)
def test_int8_products_stay_close_to_the_float_vectors(q8: EncoderSpec, f32: EncoderSpec) -> None:
    fast = get_encoder(q8).encode(TEXTS)
    exact = get_encoder(f32).encode(TEXTS)
    cosines = (fast * exact).sum(axis=1)
    # 7-bit weights (exact on every CPU) cost a little: over 500 corpus windows the worst was
    # 0.962 for L6 and 0.995 for L3; a two-word text like "ok" can sit a little lower.
    assert cosines.min() > 0.95
    assert cosines.mean() > 0.98
    assert not np.allclose(fast, exact, atol=1e-5)  # they are another space: heads retrain


@SPECS
def test_encode_does_not_depend_on_the_batch(spec: EncoderSpec) -> None:
    # Padding to the longest text in a batch must not leak into the other texts' vectors.
    enc = get_encoder(spec)
    whole = enc.encode(TEXTS)
    small = SentenceEncoder(spec, batch=2).encode(TEXTS)
    alone = np.vstack([enc.encode([t]) for t in TEXTS])
    reversed_ = enc.encode(TEXTS[::-1])[::-1]
    for other in (small, alone, reversed_):
        np.testing.assert_allclose(whole, other, atol=1e-5)


def test_get_encoder_caches_per_spec() -> None:
    first = get_encoder(MINILM_L6_INT8)
    assert get_encoder(MINILM_L6_INT8) is first
    assert get_encoder(dataclasses.replace(MINILM_L6_INT8)) is first  # an equal spec
    assert get_encoder(PARAPHRASE_MINILM_L3) is not first
    assert get_encoder(PARAPHRASE_MINILM_L3).spec == PARAPHRASE_MINILM_L3
    other = dataclasses.replace(MINILM_L6_INT8, name="MiniLM under another name")
    try:
        second = get_encoder(other)
        assert second is not first
        assert second.spec == other
        assert get_encoder(other) is second
    finally:
        se._encoders.pop(other, None)
