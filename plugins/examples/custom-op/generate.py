#!/usr/bin/python3
"""Writes model.onnx, input.npy and expected.npy for the custom-op example.

The model is  z = Relu(ScaleShift(x, scale=1.5, shift=0.5))  where ScaleShift is
the custom op com.example::ScaleShift (y = x * scale + shift). The expected
output is computed by hand from that formula, not by any runtime.
Run with Debian's python3-onnx and python3-numpy: /usr/bin/python3 generate.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))
scale, shift = 1.5, 0.5

node_custom = helper.make_node("ScaleShift", ["x"], ["y"], name="scale_shift",
                               domain="com.example", scale=scale, shift=shift)
node_relu = helper.make_node("Relu", ["y"], ["z"], name="relu")
graph = helper.make_graph(
    [node_custom, node_relu], "custom_op_example",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])],
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, [3, 4])],
    value_info=[helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4])])
model = helper.make_model(graph, producer_name="kiln-example",
                          opset_imports=[helper.make_opsetid("", 17),
                                         helper.make_opsetid("com.example", 1)])
onnx.save(model, os.path.join(here, "model.onnx"))

x = np.linspace(-2.0, 2.0, 12, dtype=np.float32).reshape(3, 4)
z = np.maximum(x * np.float32(scale) + np.float32(shift), np.float32(0))
np.save(os.path.join(here, "input.npy"), x)
np.save(os.path.join(here, "expected.npy"), z.astype(np.float32))
