"""Gives a released MGM model the three methods tools/mgm-tiny/mgm_tiny/onnx_export.py exports.

An MGM model (MGMLlamaForCausalLM, MGMGemmaForCausalLM, MGMMixtralForCausalLM, as
`mgm.model.builder.load_pretrained_model` returns them) has `encode_images(images, images_aux)`
in MGM's own layout, `get_model()` (the Hugging Face decoder stack with `embed_tokens`) and
`lm_head`. The adapter maps them onto the graph contracts of models/README.md:

- `encode_images(images [B, views, 3, L, L], images_aux [B, 3, H, H])`: MGM takes [B, 3, L, L]
  when image_grid is 1 and [B, grid*grid (+1 global), 3, L, L] otherwise, crops first and the
  global view last, which is the contract's order; MGM returns [global, crops] features, as the
  contract does.
- `embed_tokens(ids)`: the LLM's token embedding (Gemma scales inside the decoder, as MGM runs it).
- `decode(inputs_embeds, attention_mask, position_ids, past)`: one decoder step with the legacy
  (key, value) per-layer cache, logits in float32.

`compute_dtype` runs the model in that dtype with float32 at the graph boundary (inputs cast in,
outputs cast out), so every dtype keeps the float32 contract.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from .mining_attention import MiningAttentionRecorder, views_attention


class MGMExportAdapter(nn.Module):
    def __init__(self, model: nn.Module, compute_dtype: torch.dtype = torch.float32):
        super().__init__()
        self.model = model
        self.compute_dtype = compute_dtype
        cfg = model.config
        self.image_grid = int(getattr(cfg, "image_grid", 1) or 1)
        self.image_global = bool(getattr(cfg, "image_global", False))

    @property
    def views(self) -> int:
        return self.image_grid * self.image_grid + (1 if self.image_global else 0)

    def encode_images(self, images: torch.Tensor, images_aux: torch.Tensor | None = None) -> torch.Tensor:
        x = images.to(self.compute_dtype)
        if self.image_grid == 1:
            x = x[:, 0]
        aux = images_aux.to(self.compute_dtype) if images_aux is not None else None
        return self.model.encode_images(x, aux).float()

    def encode_images_with_attention(self, images: torch.Tensor, images_aux: torch.Tensor | None = None):
        """encode_images and the mining attention [B, views, N, M] (the vision graph's optional
        `mining_attention` output, read by the lens)."""
        recorder = MiningAttentionRecorder()
        with recorder:
            features = self.encode_images(images, images_aux)
        return features, views_attention(recorder.windows, images.shape[0], self.image_grid, self.image_global)

    def embed_tokens(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.model.get_model().embed_tokens(input_ids).float()

    def decode(self, inputs_embeds, attention_mask, position_ids, past=None):
        past_kv = None
        if past:
            past_kv = tuple((k.to(self.compute_dtype), v.to(self.compute_dtype)) for k, v in past)
        out = self.model.get_model()(
            inputs_embeds=inputs_embeds.to(self.compute_dtype),
            attention_mask=attention_mask,
            position_ids=position_ids,
            past_key_values=past_kv,
            use_cache=True,
            return_dict=True,
        )
        logits = self.model.lm_head(out.last_hidden_state).float()
        cache = out.past_key_values
        if hasattr(cache, "to_legacy_cache"):  # transformers >= 4.36 may hand back a Cache object
            cache = cache.to_legacy_cache()
        return logits, [(k.float(), v.float()) for k, v in cache]


def llm_dims(model: nn.Module) -> dict:
    """The manifest's `llm` block from a Hugging Face config (and the real output width)."""
    cfg = model.config
    heads = int(cfg.num_attention_heads)
    kv_heads = int(getattr(cfg, "num_key_value_heads", None) or heads)
    hidden = int(cfg.hidden_size)
    head_dim = int(getattr(cfg, "head_dim", None) or hidden // heads)
    return {
        "hidden_size": hidden,
        "num_layers": int(cfg.num_hidden_layers),
        "num_attention_heads": heads,
        "num_kv_heads": kv_heads,
        "head_dim": head_dim,
        "vocab_size": int(model.lm_head.out_features),
        "rope_theta": float(getattr(cfg, "rope_theta", 10000.0)),
    }
