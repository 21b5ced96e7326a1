"""Deriving int8 copies of the encoders: folding stored int8 weights, determinism, and
products that are the same on every CPU."""

from __future__ import annotations

import logging
from pathlib import Path

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


def _saturating_product(k: int = 64, n: int = 32) -> tuple[onnx.ModelProto, np.ndarray]:
    """x @ w where adjacent weights are all near full scale and activations are large: the
    pairs a 16-bit multiply-add sums overflow unless the weights are narrowed."""
    rng = np.random.default_rng(0)
    w = rng.choice([-1.0, 1.0], size=(k, n)) * rng.uniform(0.9, 1.0, size=(k, n))
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])],
        initializer=[numpy_helper.from_array(w.astype(np.float32), "w")],
    )
    x = (np.abs(rng.standard_normal((1, k))) + 1.0).astype(np.float32)
    x[0, 0] = -0.01  # a zero point above 0, as real activations have
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), x


def test_the_int8_products_are_exact_on_this_cpu(tmp_path: Path) -> None:
    # Heads are trained on one machine and run on others: onnxruntime's int8 kernels must
    # give the exact integer product everywhere, which full-range weights do not on CPUs
    # without VNNI (16-bit pair sums saturate).
    model, x = _saturating_product()
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    quantised = onnx.load_from_string(onnx_int8.int8_model_bytes(path))
    stored = {i.name: numpy_helper.to_array(i) for i in quantised.graph.initializer}
    (q_w,) = (v.astype(np.int64) for v in stored.values() if v.dtype == np.int8 and v.ndim == 2)
    (s_w,) = (v for v in stored.values() if v.dtype == np.float32 and v.shape == q_w.shape[1:])
    # The activations' quantisation, as onnxruntime's DynamicQuantizeLinear defines it.
    low, high = min(0.0, float(x.min())), max(0.0, float(x.max()))
    s_x = np.float32((high - low) / 255)
    zero = np.clip(np.rint(-low / s_x), 0, 255)
    q_x = np.clip(np.rint(x / s_x) + zero, 0, 255).astype(np.int64)
    exact = ((q_x - int(zero)) @ q_w) * s_x * s_w
    np.testing.assert_allclose(
        _run(quantised, x), exact, rtol=1e-5, atol=1e-5 * np.abs(exact).max()
    )
    assert q_w.min() >= -64 and q_w.max() <= 64
