"""Image preprocessing exactly as MGM's worker does it (expand2square, CLIP processor at the
HR size, LR bilinearly derived from the HR tensor), for the tiny checkpoints' sizes."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
PAD_COLOUR = tuple(int(m * 255) for m in CLIP_MEAN)  # (122, 116, 104), as MGM


def square_geometry(width: int, height: int) -> tuple[int, int, int]:
    """(side, x offset, y offset) at which expand2square pastes a width x height image."""
    side = max(width, height)
    return side, (side - width) // 2, (side - height) // 2


def expand2square(img: Image.Image, colour=PAD_COLOUR) -> Image.Image:
    w, h = img.size
    if w == h:
        return img
    side, ox, oy = square_geometry(w, h)
    out = Image.new(img.mode, (side, side), colour)
    out.paste(img, (ox, oy))
    return out


def clip_process(img: Image.Image, size: int) -> np.ndarray:
    """CLIP image processor: shortest edge to `size` (bicubic), centre crop, rescale,
    normalise. Returns uint8 HWC of the resized+cropped image (normalisation happens in torch)."""
    w, h = img.size
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    img = img.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    img = img.crop((left, top, left + size, top + size))
    return np.asarray(img, dtype=np.uint8)


def normalise(batch_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 [B,H,W,3] -> float32 [B,3,H,W] normalised with CLIP's mean/std."""
    x = batch_uint8.permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    return (x - mean.to(x.device)) / std.to(x.device)


def lr_views(hr: torch.Tensor, lr_size: int, grid: int, global_view: bool) -> torch.Tensor:
    """[B,3,HR,HR] -> [B,views,3,lr,lr] as MGM's model_worker derives LR (and HD crops)."""
    lr = F.interpolate(hr, size=(lr_size * grid, lr_size * grid), mode="bilinear", align_corners=False)
    if grid == 1:
        return lr[:, None]
    b = lr.shape[0]
    crops = lr.reshape(b, 3, grid, lr_size, grid, lr_size).permute(0, 2, 4, 1, 3, 5).reshape(b, grid * grid, 3, lr_size, lr_size)
    if not global_view:
        return crops
    g = F.interpolate(lr, size=(lr_size, lr_size), mode="bilinear", align_corners=False)
    return torch.cat([crops, g[:, None]], dim=1)
