import numpy as np
import pytest

from kindred.core.sentence_encoder import MINILM_L6_INT8, get_encoder
from kindred.peers.matching.embedding import DIM, MODEL_NAME, embed

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_shape_dtype_and_unit_length():
    vs = embed(["My dad died last spring.", "I have been sober for ninety days.", "Hi"])
    assert vs.shape == (3, DIM)
    assert vs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vs, axis=1), 1.0, atol=1e-4)
    assert "MiniLM" in MODEL_NAME


def test_empty_input_and_blank_texts():
    assert embed([]).shape == (0, DIM)
    vs = embed(["", "   ", "Lost my job in June."])
    assert not vs[0].any() and not vs[1].any()
    assert np.linalg.norm(vs[2]) == pytest.approx(1.0, abs=1e-4)


def test_deterministic_and_batch_independent():
    text = "Caring for my mum with dementia has swallowed my whole life."
    one = embed([text])[0]
    many = embed(["Something else entirely, about the weather.", text])[1]
    assert np.allclose(one, many, atol=1e-4)


def test_similar_experiences_score_higher_than_unrelated_ones():
    grief_a, grief_b, job, keys = embed(
        [
            "My father passed away in March and I can't stop replaying the last phone call.",
            "Lost my mum to cancer last year and the grief still knocks me flat some days.",
            "I was laid off from the warehouse and I'm scared about paying the rent.",
            "I lost my keys again this morning and was late for the bus.",
        ]
    )
    assert grief_a @ grief_b > grief_a @ job + 0.1
    # Shares the word "lost", not the experience.
    assert grief_b @ grief_a > grief_b @ keys + 0.05


def test_long_text_is_truncated_not_rejected():
    vs = embed(["I keep going back to the same thought. " * 400])
    assert vs.shape == (1, DIM)


def test_model_loads_once():
    embed(["warm"])
    first = get_encoder(MINILM_L6_INT8)
    embed(["again"])
    assert get_encoder(MINILM_L6_INT8) is first
