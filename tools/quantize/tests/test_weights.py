"""`/usr/bin/python3 -m unittest discover -s tests` from tools/quantize."""
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mgm_quantize.graph import quantize_graph
from mgm_quantize.weights import (
    dequantize_4bit_blockwise,
    dequantize_blockwise,
    quantize_blockwise,
    dequantize_int8_per_axis,
    quantize_4bit_blockwise,
    quantize_int8_per_axis,
)


class Int8(unittest.TestCase):
    def test_round_trip_error_is_under_half_a_step(self):
        w = np.random.default_rng(0).normal(size=(64, 48)).astype(np.float32)
        q, scale = quantize_int8_per_axis(w, axis=1)
        self.assertEqual(q.dtype, np.int8)
        self.assertEqual(scale.shape, (48,))
        err = np.abs(dequantize_int8_per_axis(q, scale, 1) - w)
        self.assertTrue(np.all(err <= scale[None, :] / 2 + 1e-7))

    def test_zero_column_keeps_zeros(self):
        w = np.zeros((8, 3), dtype=np.float32)
        w[:, 1] = 1.0
        q, scale = quantize_int8_per_axis(w, axis=1)
        np.testing.assert_array_equal(dequantize_int8_per_axis(q, scale, 1), w)


class FourBit(unittest.TestCase):
    def test_layout_is_matmulnbits(self):
        w = np.random.default_rng(1).normal(size=(80, 10)).astype(np.float32)  # K=80: 3 blocks of 32, padded
        q = quantize_4bit_blockwise(w, 32)
        self.assertEqual(q.packed.shape, (10, 3, 16))
        self.assertEqual(q.scales.shape, (30,))
        self.assertEqual(q.zero_points.shape, (10 * 2,))  # ceil(3 / 2) bytes per column
        self.assertEqual(q.packed.dtype, np.uint8)

    def test_low_nibble_holds_the_lower_k(self):
        w = np.zeros((32, 1), dtype=np.float32)
        w[0, 0], w[1, 0] = 0.0, 15.0  # range [0, 15]: scale 1, zero point 0
        q = quantize_4bit_blockwise(w, 32)
        self.assertAlmostEqual(float(q.scales[0]), 1.0)
        self.assertEqual(int(q.zero_points[0]) & 0x0F, 0)
        self.assertEqual(int(q.packed[0, 0, 0]), 15 << 4)

    def test_round_trip_error_is_under_half_a_step(self):
        w = np.random.default_rng(2).normal(size=(96, 24)).astype(np.float32)
        q = quantize_4bit_blockwise(w, 32, search=False)
        back = dequantize_4bit_blockwise(q)
        self.assertEqual(back.shape, w.shape)
        step = q.scales.reshape(24, 3).T.repeat(32, axis=0)  # [K, N]
        self.assertTrue(np.all(np.abs(back - w) <= step / 2 + 1e-6))

    def test_range_search_never_raises_the_error(self):
        w = np.random.default_rng(5).standard_t(3, size=(256, 64)).astype(np.float32)  # heavy tails
        plain = ((dequantize_4bit_blockwise(quantize_4bit_blockwise(w, 32, search=False)) - w) ** 2).sum()
        searched = ((dequantize_4bit_blockwise(quantize_4bit_blockwise(w, 32, search=True)) - w) ** 2).sum()
        self.assertLess(searched, plain)

    def test_eight_bit_blocks(self):
        w = np.random.default_rng(6).normal(size=(64, 8)).astype(np.float32)
        q = quantize_blockwise(w, bits=8, block_size=32, search=False)
        self.assertEqual(q.packed.shape, (8, 2, 32))
        self.assertEqual(q.zero_points.shape, (16,))
        step = q.scales.reshape(8, 2).T.repeat(32, axis=0)
        self.assertTrue(np.all(np.abs(dequantize_blockwise(q) - w) <= step / 2 + 1e-6))

    def test_rejects_odd_block_size(self):
        with self.assertRaises(ValueError):
            quantize_4bit_blockwise(np.ones((32, 2), np.float32), 24)


class Graph(unittest.TestCase):
    def _model(self):
        w = numpy_helper.from_array(np.random.default_rng(3).normal(size=(64, 16)).astype(np.float32), "w")
        table = numpy_helper.from_array(np.random.default_rng(4).normal(size=(10, 64)).astype(np.float32), "table")
        nodes = [
            helper.make_node("Gather", ["table", "ids"], ["emb"], axis=0),
            helper.make_node("MatMul", ["emb", "w"], ["y"]),
        ]
        graph = helper.make_graph(
            nodes, "g",
            [helper.make_tensor_value_info("ids", TensorProto.INT64, ["b", "s"])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "s", 16])],
            [w, table],
        )
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])

    def test_int8_keeps_the_interface_and_drops_the_floats(self):
        m = self._model()
        report = quantize_graph(m, "int8")
        onnx.checker.check_model(m)
        self.assertEqual(report.params_quantised, 64 * 16 + 10 * 64)
        self.assertEqual([i.name for i in m.graph.input], ["ids"])
        self.assertEqual([o.name for o in m.graph.output], ["y"])
        self.assertFalse(any(t.data_type == TensorProto.FLOAT and t.name in ("w", "table") for t in m.graph.initializer))
        self.assertIn("DequantizeLinear", [n.op_type for n in m.graph.node])

    def test_int4_uses_matmulnbits(self):
        m = self._model()
        quantize_graph(m, "int4")
        nb = [n for n in m.graph.node if n.op_type == "MatMulNBits"]
        self.assertEqual(len(nb), 1)
        self.assertEqual(nb[0].domain, "com.microsoft")
        attrs = {a.name: helper.get_attribute_value(a) for a in nb[0].attribute}
        self.assertEqual((attrs["K"], attrs["N"], attrs["bits"], attrs["block_size"]), (64, 16, 4, 32))
        self.assertTrue(any(o.domain == "com.microsoft" for o in m.opset_import))

    def test_refuses_old_opset(self):
        m = self._model()
        m.opset_import[0].version = 11
        with self.assertRaises(ValueError):
            quantize_graph(m, "int8")


if __name__ == "__main__":
    unittest.main()
