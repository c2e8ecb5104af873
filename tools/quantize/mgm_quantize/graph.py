"""Rewrites one ONNX graph so its constant weights are stored quantised.

Only weights change; the graph's inputs and outputs keep their names, types and shapes, so a
quantised graph honours the same contract (models/README.md) as the fp32 one.

- `int8`: every MatMul / Gemm whose B is a constant 2-D float initializer gets int8 weights with one
  scale per output column, dequantised by a DequantizeLinear node in front of it (opset >= 13).
  A Gather on a constant 2-D float table (the token embedding) gathers int8 rows and multiplies them
  by their gathered row scales, so the whole table is never dequantised.
- `int8-block` / `int4`: those MatMul / Gemm nodes become `com.microsoft::MatMulNBits` (bits 8 or 4,
  blocks along K, asymmetric, each block's range searched for the least squared error); Gathers
  are stored int8 as above (there is no 4-bit gather in the standard domain).

Subgraphs (If / Loop bodies) are left as they are; the exported MGM graphs have none.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .weights import quantize_blockwise, quantize_int8_per_axis

MS_DOMAIN = "com.microsoft"


@dataclass
class QuantReport:
    scheme: str
    quantised: list[str] = field(default_factory=list)  # node names
    skipped: list[str] = field(default_factory=list)  # "node: why"
    float_params_before: int = 0
    params_quantised: int = 0

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme,
            "nodes_quantised": len(self.quantised),
            "params_quantised": self.params_quantised,
            "float_params_before": self.float_params_before,
            "skipped": self.skipped,
        }


class _Graph:
    def __init__(self, model: onnx.ModelProto, base_dir: str):
        self.model, self.graph, self.base_dir = model, model.graph, base_dir
        self.inits = {t.name: t for t in self.graph.initializer}
        self.consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for node in self.graph.node:
            for name in node.input:
                self.consumers[name].append(node)
        self.new_inits: list[onnx.TensorProto] = []
        self.used_names = {t.name for t in self.graph.initializer} | {n.name for n in self.graph.node}
        for node in self.graph.node:
            self.used_names.update(node.output)

    def unique(self, base: str) -> str:
        name, i = base, 1
        while name in self.used_names:
            name, i = f"{base}_{i}", i + 1
        self.used_names.add(name)
        return name

    def float_weight(self, name: str, rank: int) -> np.ndarray | None:
        t = self.inits.get(name)
        if t is None or t.data_type != TensorProto.FLOAT or len(t.dims) != rank:
            return None
        return numpy_helper.to_array(t, self.base_dir) if _is_external(t) else numpy_helper.to_array(t)

    def add_init(self, array: np.ndarray, base: str) -> str:
        name = self.unique(base)
        self.new_inits.append(numpy_helper.from_array(array, name))
        return name


def _is_external(t: onnx.TensorProto) -> bool:
    return t.data_location == TensorProto.EXTERNAL


def _attr(node: onnx.NodeProto, name: str, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _opset(model: onnx.ModelProto) -> int:
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return 0


SCHEMES = ("int8", "int8-block", "int4", "fp32")
NBITS = {"int8-block": 8, "int4": 4}


def quantize_graph(
    model: onnx.ModelProto,
    scheme: str,
    base_dir: str = ".",
    block_size: int = 32,
    accuracy_level: int | None = None,
    overrides: dict[str, str] | None = None,
    search: bool = True,
) -> QuantReport:
    """Quantises `model` in place.

    scheme: "int8" (per-column DequantizeLinear), "int8-block" (MatMulNBits, 8 bits) or "int4"
    (MatMulNBits, 4 bits). `overrides` maps a substring of a node's name to another scheme for
    that node ("fp32" leaves it as it is), e.g. {"lm_head": "int8"}.
    """
    overrides = overrides or {}
    for sch in [scheme, *overrides.values()]:
        if sch not in SCHEMES:
            raise ValueError(f"unknown scheme {sch!r}: use one of {', '.join(SCHEMES)}")
    if _opset(model) < 13:
        raise ValueError(f"opset {_opset(model)} has no per-axis DequantizeLinear: re-export at opset >= 13")
    g = _Graph(model, base_dir)
    report = QuantReport(scheme=scheme)
    for t in g.graph.initializer:
        if t.data_type == TensorProto.FLOAT:
            report.float_params_before += int(np.prod(t.dims)) if len(t.dims) else 1

    replaced: dict[int, list[onnx.NodeProto]] = {}  # node index -> nodes that take its place
    int8_cache: dict[str, str] = {}  # weight name -> dequantised tensor name (shared weights)

    def dq_weight(name: str, w: np.ndarray, axis: int) -> tuple[str, onnx.NodeProto | None]:
        if name in int8_cache:
            return int8_cache[name], None
        q, scale = quantize_int8_per_axis(w, axis)
        q_name = g.add_init(q, f"{name}_quantized")
        s_name = g.add_init(scale, f"{name}_scale")
        z_name = g.add_init(np.zeros(scale.shape, dtype=np.int8), f"{name}_zero_point")
        out = g.unique(f"{name}_dequantized")
        int8_cache[name] = out
        report.params_quantised += w.size
        return out, helper.make_node("DequantizeLinear", [q_name, s_name, z_name], [out], name=g.unique(f"{name}_DequantizeLinear"), axis=axis)

    def nbits_node(node: onnx.NodeProto, a: str, w_kn: np.ndarray, weight: str, out: str, bits: int) -> onnx.NodeProto:
        q = quantize_blockwise(w_kn, bits, block_size, search)
        b = g.add_init(q.packed, f"{weight}_Q{bits}")
        s = g.add_init(q.scales, f"{weight}_scales")
        z = g.add_init(q.zero_points, f"{weight}_zero_points")
        attrs = dict(K=q.k, N=q.n, bits=bits, block_size=block_size)
        if accuracy_level is not None:
            attrs["accuracy_level"] = accuracy_level
        report.params_quantised += w_kn.size
        used_ms_domain[0] = True
        return helper.make_node("MatMulNBits", [a, b, s, z], [out], name=g.unique(f"{node.name or weight}_Q{bits}"), domain=MS_DOMAIN, **attrs)

    used_ms_domain = [False]

    def scheme_for(label: str) -> str:
        for pattern, sch in overrides.items():
            if pattern in label:
                return sch
        return scheme

    for idx, node in enumerate(g.graph.node):
        label = node.name or f"{node.op_type}#{idx}"
        if node.op_type == "MatMul" and len(node.input) == 2:
            sch = scheme_for(label)
            w = g.float_weight(node.input[1], 2) if sch != "fp32" else None
            if w is None:
                continue  # activation @ activation (attention), or left in fp32
            if sch in NBITS:
                replaced[idx] = [nbits_node(node, node.input[0], w, node.input[1], node.output[0], NBITS[sch])]
            else:
                out, dq = dq_weight(node.input[1], w, axis=1)
                new = onnx.NodeProto()
                new.CopyFrom(node)
                new.input[1] = out
                replaced[idx] = ([dq] if dq else []) + [new]
            report.quantised.append(label)
        elif node.op_type == "Gemm":
            sch = scheme_for(label)
            w = g.float_weight(node.input[1], 2) if sch != "fp32" else None
            if w is None:
                continue
            trans_a, trans_b = _attr(node, "transA", 0), _attr(node, "transB", 0)
            alpha, beta = _attr(node, "alpha", 1.0), _attr(node, "beta", 1.0)
            if sch in NBITS and trans_a == 0 and alpha == 1.0 and beta == 1.0:
                w_kn = w.T if trans_b else w
                if len(node.input) > 2 and node.input[2]:
                    mm_out = g.unique(f"{node.output[0]}_matmul")
                    add = helper.make_node("Add", [mm_out, node.input[2]], [node.output[0]], name=g.unique(f"{label}_bias"))
                    replaced[idx] = [nbits_node(node, node.input[0], w_kn, node.input[1], mm_out, NBITS[sch]), add]
                else:
                    replaced[idx] = [nbits_node(node, node.input[0], w_kn, node.input[1], node.output[0], NBITS[sch])]
            else:
                if sch in NBITS:
                    report.skipped.append(f"{label}: Gemm with transA/alpha/beta, stored int8 instead")
                out, dq = dq_weight(node.input[1], w, axis=0 if trans_b else 1)
                new = onnx.NodeProto()
                new.CopyFrom(node)
                new.input[1] = out
                replaced[idx] = ([dq] if dq else []) + [new]
            report.quantised.append(label)
        elif node.op_type == "Gather" and _attr(node, "axis", 0) == 0:
            table = g.float_weight(node.input[0], 2) if scheme_for(label) != "fp32" else None
            if table is None:
                continue
            q, scale = quantize_int8_per_axis(table, axis=0)
            q_name = g.add_init(q, f"{node.input[0]}_quantized")
            s_name = g.add_init(scale.reshape(-1, 1), f"{node.input[0]}_row_scale")
            rows, row_scales, rows_f = (g.unique(f"{node.output[0]}_{s}") for s in ("q", "scale", "float"))
            ids = node.input[1]
            replaced[idx] = [
                helper.make_node("Gather", [q_name, ids], [rows], name=g.unique(f"{label}_q"), axis=0),
                helper.make_node("Gather", [s_name, ids], [row_scales], name=g.unique(f"{label}_scale"), axis=0),
                helper.make_node("Cast", [rows], [rows_f], name=g.unique(f"{label}_cast"), to=TensorProto.FLOAT),
                helper.make_node("Mul", [rows_f, row_scales], [node.output[0]], name=g.unique(f"{label}_dequantize")),
            ]
            report.params_quantised += table.size
            report.quantised.append(label)

    nodes: list[onnx.NodeProto] = []
    for idx, node in enumerate(g.graph.node):
        nodes.extend(replaced.get(idx, [node]))
    del g.graph.node[:]
    g.graph.node.extend(nodes)
    g.graph.initializer.extend(g.new_inits)
    _drop_unused_initializers(g.graph)
    if used_ms_domain[0] and not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return report


def _drop_unused_initializers(graph: onnx.GraphProto) -> None:
    used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    keep = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)


# protobuf cannot serialise one message over 2 GiB: bigger graphs keep their weights beside them
EXTERNAL_DATA_THRESHOLD = 1_800_000_000


def load_graph(path: str) -> onnx.ModelProto:
    """Loads a graph without pulling external weights into memory (they are read one by one)."""
    return onnx.load(path, load_external_data=False)


def save_graph(model: onnx.ModelProto, path: str, source_dir: str) -> list[str]:
    """Saves `model` at `path`; returns the files written (the .onnx and, if any, its .data file)."""
    for t in model.graph.initializer:
        if _is_external(t):
            onnx.external_data_helper.load_external_data_for_tensor(t, source_dir)
            t.data_location = TensorProto.DEFAULT
            del t.external_data[:]
    size = sum(len(t.raw_data) if t.raw_data else t.ByteSize() for t in model.graph.initializer)
    if size < EXTERNAL_DATA_THRESHOLD:
        onnx.save(model, path)
        return [path]
    data = os.path.basename(path) + ".data"
    if os.path.exists(os.path.join(os.path.dirname(path), data)):
        os.remove(os.path.join(os.path.dirname(path), data))
    onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data, size_threshold=1024)
    return [path, os.path.join(os.path.dirname(path), data)]
