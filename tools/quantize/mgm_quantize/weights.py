"""Quantisers for one weight matrix (numpy only), and their exact inverses for checks.

- int8: symmetric, one scale per output channel, for ONNX DequantizeLinear (per-axis, opset >= 13).
- block-wise (4 or 8 bits): asymmetric, blocks along K, in the layout of onnxruntime's contrib op
  `com.microsoft::MatMulNBits`: B [N, k_blocks, block_size * bits / 8] uint8 (4-bit: two codes per
  byte, the lower-K code in the low nibble), scales [N * k_blocks], zero points
  [N * ceil(k_blocks * bits / 8)] uint8 packed the same way; dequantised as (code - zero_point) * scale.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def quantize_int8_per_axis(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per index of `axis`; returns (q int8, scale float32)."""
    w = np.asarray(w, dtype=np.float32)
    reduce_axes = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.abs(w).max(axis=reduce_axes)
    scale = (amax / 127.0).astype(np.float32)
    scale[scale == 0] = 1.0  # an all-zero channel: any scale reproduces it
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def dequantize_int8_per_axis(q: np.ndarray, scale: np.ndarray, axis: int) -> np.ndarray:
    shape = [1] * q.ndim
    shape[axis] = -1
    return q.astype(np.float32) * scale.reshape(shape)


@dataclass
class NBitsWeight:
    """One weight in MatMulNBits layout (bits 4 or 8)."""

    packed: np.ndarray  # uint8 [N, k_blocks, block_size * bits // 8]
    scales: np.ndarray  # float32 [N * k_blocks]
    zero_points: np.ndarray  # uint8 [N * ceil(k_blocks * bits / 8)]
    k: int
    n: int
    block_size: int
    bits: int = 4

    @property
    def k_blocks(self) -> int:
        return self.packed.shape[1]


def _pack_nibbles(codes: np.ndarray) -> np.ndarray:
    """[..., 2m] codes in 0..15 -> [..., m] bytes, element 2i in the low nibble."""
    codes = codes.astype(np.uint8)
    return (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)


def _unpack_nibbles(packed: np.ndarray) -> np.ndarray:
    out = np.empty(packed.shape[:-1] + (packed.shape[-1] * 2,), dtype=np.uint8)
    out[..., 0::2] = packed & 0x0F
    out[..., 1::2] = packed >> 4
    return out


# Candidate shrink factors of a block's [min, max] range: clipping a few outliers often lowers the
# block's total squared error (the search GPTQ-free weight-only quantisers such as HQQ/AWQ's
# clip step do). 1.0 (plain min/max) is always among them, so the search never does worse.
SHRINK_GRID = tuple(np.linspace(1.0, 0.6, 9))


def _block_params(blocks: np.ndarray, qmax: int, shrink: float) -> tuple[np.ndarray, np.ndarray]:
    lo = np.minimum(blocks.min(axis=-1), 0.0) * shrink
    hi = np.maximum(blocks.max(axis=-1), 0.0) * shrink
    scale = ((hi - lo) / qmax).astype(np.float32)
    scale[scale == 0] = 1.0
    zp = np.clip(np.rint(-lo / scale), 0, qmax)
    return scale, zp


def quantize_blockwise(w_kn: np.ndarray, bits: int = 4, block_size: int = 32, search: bool = True) -> NBitsWeight:
    """Quantises a [K, N] MatMul weight (y = x @ w) to MatMulNBits' layout, asymmetric per block.

    With `search`, each block takes the shrink factor of its range that minimises its squared error.
    """
    if bits not in (4, 8):
        raise ValueError(f"bits must be 4 or 8, got {bits}")
    if block_size < 16 or block_size & (block_size - 1):
        raise ValueError(f"block_size must be a power of two >= 16, got {block_size}")
    w = np.asarray(w_kn, dtype=np.float32)
    if w.ndim != 2:
        raise ValueError(f"a MatMul weight is 2-D, got shape {w.shape}")
    qmax = (1 << bits) - 1
    k, n = w.shape
    k_blocks = -(-k // block_size)
    wt = np.zeros((n, k_blocks * block_size), dtype=np.float32)
    wt[:, :k] = w.T  # the padding is zeros, which every block represents exactly
    blocks = wt.reshape(n, k_blocks, block_size)
    best_scale, best_zp = _block_params(blocks, qmax, 1.0)
    if search:
        best_err = np.full(best_scale.shape, np.inf, dtype=np.float64)
        for shrink in SHRINK_GRID:
            scale, zp = _block_params(blocks, qmax, float(shrink))
            codes = np.clip(np.rint(blocks / scale[..., None]) + zp[..., None], 0, qmax)
            err = (((codes - zp[..., None]) * scale[..., None] - blocks) ** 2).sum(axis=-1)
            better = err < best_err
            best_err = np.where(better, err, best_err)
            best_scale = np.where(better, scale, best_scale)
            best_zp = np.where(better, zp, best_zp)
    codes = np.clip(np.rint(blocks / best_scale[..., None]) + best_zp[..., None], 0, qmax).astype(np.uint8)
    zp = best_zp.astype(np.uint8)
    if bits == 4:
        packed = _pack_nibbles(codes)
        zp_padded = np.zeros((n, k_blocks + (k_blocks & 1)), dtype=np.uint8)
        zp_padded[:, :k_blocks] = zp
        zero_points = _pack_nibbles(zp_padded).reshape(-1)
    else:
        packed, zero_points = codes, zp.reshape(-1)
    return NBitsWeight(packed=packed, scales=best_scale.astype(np.float32).reshape(-1), zero_points=zero_points,
                       k=k, n=n, block_size=block_size, bits=bits)


def quantize_4bit_blockwise(w_kn: np.ndarray, block_size: int = 32, search: bool = True) -> NBitsWeight:
    return quantize_blockwise(w_kn, 4, block_size, search)


def dequantize_blockwise(q: NBitsWeight) -> np.ndarray:
    """The [K, N] float weight MatMulNBits computes with."""
    n, k_blocks = q.n, q.k_blocks
    if q.bits == 4:
        codes = _unpack_nibbles(q.packed).astype(np.float32)  # [N, k_blocks, block]
        zp = _unpack_nibbles(q.zero_points.reshape(n, -1))[:, :k_blocks].astype(np.float32)
    else:
        codes = q.packed.astype(np.float32)
        zp = q.zero_points.reshape(n, k_blocks).astype(np.float32)
    scale = q.scales.reshape(n, k_blocks)
    w = (codes - zp[..., None]) * scale[..., None]
    return w.reshape(n, -1)[:, : q.k].T.copy()


dequantize_4bit_blockwise = dequantize_blockwise
