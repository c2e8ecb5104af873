"""Records patch info mining's attention while a released MGM model encodes an image.

MGM's `unified_resampler` (mgm_arch.py) returns only the mined features; the weights are the
softmax it takes over each LR token's HR window, a tensor shaped [B*, N, 1, M]: one query per
LR token against the M candidates under its patch. Rather than re-implementing MGM's code, the
adapter watches the softmax calls made inside `encode_images` and keeps those of that shape (the
towers' own attention softmaxes are [B, heads, T, T], never a single query row). The kept tensors
are outputs of the traced ops, so `torch.onnx.export` wires them into the graph.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

_SOFTMAX = {F.softmax, torch.softmax, torch.Tensor.softmax}


class MiningAttentionRecorder(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.windows: list[torch.Tensor] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func in _SOFTMAX and isinstance(out, torch.Tensor) and out.dim() == 4 and out.shape[2] == 1:
            self.windows.append(out[:, :, 0])
        return out


def views_attention(windows: list[torch.Tensor], batch: int, grid: int, with_global: bool) -> torch.Tensor:
    """[B, views, N, M] in the contract's order (global first), from the recorded softmaxes: one
    call per view group, crops (B*grid*grid rows) before the global view (B rows) as MGM mines."""
    if not windows:
        raise RuntimeError("no patch-info-mining softmax was seen while encoding: is this an MGM model with an HR branch?")
    crops = windows[0].float().reshape(batch, grid * grid, windows[0].shape[1], windows[0].shape[2])
    if with_global and len(windows) > 1:
        return torch.cat([windows[1].float()[:, None], crops], dim=1)
    return crops
