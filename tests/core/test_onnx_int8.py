"""Deriving int8 copies of the encoders: folding stored int8 weights, determinism."""

from __future__ import annotations

import logging

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from kindred.core import onnx_int8
from kindred.core.sentence_encoder import PARAPHRASE_MINILM_L3, model_file

RNG = np.random.default_rng(7)
W_Q = RNG.integers(-127, 128, size=(4, 3), dtype=np.int8)
SCALE = np.float32(0.02)


def _graph(second_op: str = "Mul") -> onnx.ModelProto:
    """x @ (float(W_q) * scale), the way some wheels store weights."""
    nodes = [
        helper.make_node("Cast", ["w_q"], ["w_f"], to=TensorProto.FLOAT),
        helper.make_node(second_op, ["w_f", "scale"], ["w"]),
        helper.make_node("MatMul", ["x", "w"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])],
        initializer=[
            numpy_helper.from_array(W_Q, "w_q"),
            numpy_helper.from_array(np.array(SCALE, dtype=np.float32), "scale"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_stored_int8_weights_are_folded_into_one_float_weight() -> None:
    model = _graph()
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    before = _run(model, x)
    onnx_int8._fold_weight_dequantisation(model)
    assert [n.op_type for n in model.graph.node] == ["MatMul"]
    assert {i.name for i in model.graph.initializer} == {"w"}
    np.testing.assert_allclose(_run(model, x), before, rtol=1e-6)


def test_a_cast_that_is_not_a_plain_rescale_is_left_alone() -> None:
    model = _graph(second_op="Add")
    onnx_int8._fold_weight_dequantisation(model)
    assert [n.op_type for n in model.graph.node] == ["Cast", "Add", "MatMul"]
    assert {i.name for i in model.graph.initializer} == {"w_q", "scale"}


def test_the_int8_copy_is_the_same_bytes_every_time(caplog: pytest.LogCaptureFixture) -> None:
    # Heads are trained on its vectors: every process must derive exactly the same model.
    path = model_file(PARAPHRASE_MINILM_L3)
    with caplog.at_level(logging.DEBUG):
        first = onnx_int8.int8_model_bytes(path)
    assert caplog.records == []  # the quantiser's per-tensor chatter stays out of the logs
    assert onnx_int8.int8_model_bytes(path) == first
    model = onnx.load_from_string(first)
    ops = {n.op_type for n in model.graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops
    assert len(first) < model_file(PARAPHRASE_MINILM_L3).stat().st_size
