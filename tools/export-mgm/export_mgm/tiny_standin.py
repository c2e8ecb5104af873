"""tools/mgm-tiny's model dressed as a released MGM model, so the exporter's path can run here.

It has what `MGMExportAdapter` uses of a released checkpoint: `config.image_grid` /
`config.image_global` and the Hugging Face config fields, `encode_images` in MGM's layout
(LR [B, 3, L, L] for grid 1, [B, views, 3, L, L] otherwise), `get_model()` returning a decoder
stack called as Hugging Face's (`inputs_embeds`, `attention_mask`, `position_ids`,
`past_key_values`, `use_cache`, `return_dict`) with `embed_tokens`, and `lm_head`.
Used by the exporter's test and `--tiny-standin`; never by a real export.
"""
from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn as nn

from .paths import use_shared_tools

use_shared_tools()
from mgm_tiny.configs import config_for  # noqa: E402
from mgm_tiny.model import MGMTiny  # noqa: E402


class _DecoderStack(nn.Module):
    def __init__(self, tiny: MGMTiny):
        super().__init__()
        self.tiny = tiny
        self.embed_tokens = tiny.embed_tokens

    def get_vision_tower_aux(self):
        return getattr(self.tiny, "vision_tower_aux", None)

    def forward(self, inputs_embeds, attention_mask, position_ids, past_key_values=None, use_cache=True, return_dict=True):
        t = self.tiny
        s, total = inputs_embeds.shape[1], attention_mask.shape[1]
        q_pos = torch.arange(s) + (total - s)
        k_pos = torch.arange(total)
        allowed = (k_pos[None, :] <= q_pos[:, None])[None, None] & (attention_mask[:, None, None, :] > 0)
        mask = torch.where(allowed, torch.zeros(()), torch.full((), -1e9))
        cos, sin = t.rope(position_ids)
        x, cache = inputs_embeds, []
        for i, layer in enumerate(t.layers):
            pk, pv = past_key_values[i] if past_key_values else (None, None)
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            cache.append((k, v))
        return SimpleNamespace(last_hidden_state=t.norm(x), past_key_values=tuple(cache))


class TinyAsReleased(nn.Module):
    def __init__(self, tiny: MGMTiny):
        super().__init__()
        c = tiny.cfg
        self.tiny = tiny
        self.stack = _DecoderStack(tiny)
        self.lm_head = tiny.lm_head
        self.config = SimpleNamespace(
            image_grid=c.grid, image_global=c.global_view, hidden_size=c.d_model, num_hidden_layers=c.n_layers,
            num_attention_heads=c.n_heads, num_key_value_heads=c.n_heads, rope_theta=c.rope_theta,
            max_position_embeddings=c.context_length, vocab_size=c.vocab_size,
        )

    def get_model(self) -> _DecoderStack:
        return self.stack

    def encode_images(self, images, images_aux=None):
        if images.dim() == 4:  # MGM's grid-1 layout
            images = images[:, None]
        return self.tiny.encode_images(images, images_aux)


def tiny_standin(name: str, vocab_size: int, seed: int = 0) -> TinyAsReleased:
    """A randomly initialised (seeded) tiny checkpoint of the given recipe, in eval mode."""
    torch.manual_seed(seed)
    tiny = MGMTiny(config_for(name, vocab_size))
    tiny.eval()
    return TinyAsReleased(tiny).eval()
