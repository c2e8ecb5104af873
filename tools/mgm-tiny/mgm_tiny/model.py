"""MGM-Tiny: the Mini-Gemini architecture at toy scale, with MGM's module names.

- vision_tower: a small ViT on the LR image (stand-in for CLIP ViT-L/14-336).
- vision_tower_aux: a small ConvNeXt on the HR image (stand-in for ConvNeXt-L); its stage
  outputs are upsampled to stage 0's size and concatenated (OpenCLIPVisionTower.backbone).
- vlm_uni_{query,aux,val}_projector + unified_resampler: patch info mining (mgm_arch.py).
- mm_projector: Linear, GELU, Linear to the LLM width.
- the LLM: a Llama-style decoder (RMSNorm, RoPE, SwiGLU) with an explicit KV cache.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TinyConfig:
    name: str = "mgm-tiny"
    architecture: str = "mgm"  # "mgm" | "llava"
    template: str = "vicuna_v1"
    lr_size: int = 48
    patch_size: int = 8
    hr_size: int | None = 192
    grid: int = 1
    global_view: bool = False
    vit_dim: int = 128
    vit_layers: int = 4
    vit_heads: int = 4
    conv_dims: list[int] = field(default_factory=lambda: [32, 64, 128])
    conv_depths: list[int] = field(default_factory=lambda: [2, 2, 1])
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4
    ffn: int = 768
    vocab_size: int = 512
    context_length: int = 512
    rope_theta: float = 10000.0

    @property
    def tokens_per_view(self) -> int:
        return (self.lr_size // self.patch_size) ** 2

    @property
    def views(self) -> int:
        return self.grid * self.grid + (1 if self.global_view else 0)

    @property
    def visual_tokens(self) -> int:
        return self.views * self.tokens_per_view

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- LR encoder (ViT)
class ViTBlock(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, dim * 4)
        self.fc2 = nn.Linear(dim * 4, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(-1, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(c // self.heads)
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(-1, n, c)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class LRVisionTower(nn.Module):
    def __init__(self, cfg: TinyConfig):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, cfg.vit_dim, cfg.patch_size, cfg.patch_size)
        self.pos_embed = nn.Parameter(torch.randn(1, cfg.tokens_per_view, cfg.vit_dim) * 0.02)
        self.blocks = nn.ModuleList([ViTBlock(cfg.vit_dim, cfg.vit_heads) for _ in range(cfg.vit_layers)])
        self.norm = nn.LayerNorm(cfg.vit_dim)
        self.hidden_size = cfg.vit_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:  # [B,3,L,L] -> [B,N,C]
        x = self.patch_embed(images).flatten(2).transpose(1, 2) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


# ---------------------------------------------------------------- HR encoder (ConvNeXt)
class LayerNorm2d(nn.LayerNorm):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim)
        self.pwconv1 = nn.Linear(dim, dim * 4)
        self.pwconv2 = nn.Linear(dim * 4, dim)
        self.gamma = nn.Parameter(torch.full((dim,), 0.1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.pwconv2(F.gelu(self.pwconv1(self.norm(y)))) * self.gamma
        return x + y.permute(0, 3, 1, 2)


class HRVisionTower(nn.Module):
    def __init__(self, cfg: TinyConfig):
        super().__init__()
        dims = cfg.conv_dims
        self.vision_stem = nn.Sequential(nn.Conv2d(3, dims[0], 4, 4), LayerNorm2d(dims[0]))
        stages = []
        for i, (dim, depth) in enumerate(zip(dims, cfg.conv_depths)):
            layers: list[nn.Module] = []
            if i > 0:
                layers += [LayerNorm2d(dims[i - 1]), nn.Conv2d(dims[i - 1], dim, 2, 2)]
            layers += [ConvNeXtBlock(dim) for _ in range(depth)]
            stages.append(nn.Sequential(*layers))
        self.vision_stages = nn.ModuleList(stages)
        self.hidden_size = sum(dims)

    def forward(self, images: torch.Tensor) -> torch.Tensor:  # [B,3,H,H] -> [B,sum(dims),H/4,H/4]
        x = self.vision_stem(images)
        outs = []
        for stage in self.vision_stages:
            x = stage(x)
            outs.append(x)
        size = outs[0].shape[-2:]
        cat = [outs[0]] + [F.interpolate(o, size=size, mode="bilinear", align_corners=False) for o in outs[1:]]
        return torch.cat(cat, dim=1)


# ---------------------------------------------------------------- the multimodal model
def _ln_linear(d_in: int, d_out: int) -> nn.Sequential:
    return nn.Sequential(nn.LayerNorm(d_in), nn.Linear(d_in, d_out))


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


class DecoderLayer(nn.Module):
    def __init__(self, cfg: TinyConfig):
        super().__init__()
        d, self.h, self.hd = cfg.d_model, cfg.n_heads, cfg.head_dim
        self.input_layernorm = RMSNorm(d)
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d)
        self.gate_proj = nn.Linear(d, cfg.ffn, bias=False)
        self.up_proj = nn.Linear(d, cfg.ffn, bias=False)
        self.down_proj = nn.Linear(cfg.ffn, d, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        b, s, d = x.shape
        y = self.input_layernorm(x)
        q = self.q_proj(y).reshape(b, s, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(y).reshape(b, s, self.h, self.hd).transpose(1, 2)
        v = self.v_proj(y).reshape(b, s, self.h, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, s, d)
        x = x + self.o_proj(o)
        y = self.post_attention_layernorm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))
        return x, k, v


class MGMTiny(nn.Module):
    def __init__(self, cfg: TinyConfig):
        super().__init__()
        self.cfg = cfg
        self.vision_tower = LRVisionTower(cfg)
        c = self.vision_tower.hidden_size
        if cfg.architecture == "mgm":
            self.vision_tower_aux = HRVisionTower(cfg)
            ca = self.vision_tower_aux.hidden_size
            self.vlm_uni_query_projector = _ln_linear(c, c)
            self.vlm_uni_aux_projector = _ln_linear(ca, c)
            self.vlm_uni_val_projector = _ln_linear(ca, c)
        self.mm_projector = nn.Sequential(nn.Linear(c, cfg.d_model), nn.GELU(), nn.Linear(cfg.d_model, cfg.d_model))
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList([DecoderLayer(cfg) for _ in range(cfg.n_layers)])
        self.norm = RMSNorm(cfg.d_model)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    # --- vision
    def unified_resampler(self, images: torch.Tensor, images_aux: torch.Tensor) -> torch.Tensor:
        """Patch info mining: each LR token attends to the HR window under its own patch."""
        return self.mine(images, images_aux)[0]

    def mine(self, images: torch.Tensor, images_aux: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The mined vectors [B, N, C] and their attention [B, N, M]: for LR token n (row-major on
        the LR grid), its softmax weights over the M = p*p HR feature vectors under its patch
        (row-major inside the window)."""
        n, c = images.shape[1], images.shape[2]
        ca, hh = images_aux.shape[1], images_aux.shape[-1]
        patch_num = int(math.isqrt(n))
        patch_size = hh // patch_num
        aux = images_aux.permute(0, 2, 3, 1)
        aux = aux.reshape(-1, patch_num, patch_size, patch_num, patch_size, ca)
        aux = aux.permute(0, 1, 3, 2, 4, 5).reshape(-1, patch_num * patch_num, patch_size * patch_size, ca)
        embed_query = self.vlm_uni_query_projector(images)
        embed_aux = self.vlm_uni_aux_projector(aux)
        embed_value = self.vlm_uni_val_projector(aux)
        embed_att = (embed_query[:, :, None] @ (embed_aux.transpose(-1, -2) / math.sqrt(c))).softmax(-1)
        return (embed_att @ embed_value).mean(2), embed_att[:, :, 0]

    def encode_images(self, images: torch.Tensor, images_aux: torch.Tensor | None = None) -> torch.Tensor:
        """images [B,views,3,L,L] (HD order [crop0..3, global]), images_aux [B,3,H,H] ->
        [B, visual_tokens, d_model] in LLM order (HD: [global, crops])."""
        return self.mm_projector(self.visual_features(images, images_aux))

    def encode_images_with_attention(self, images: torch.Tensor, images_aux: torch.Tensor | None = None):
        """encode_images and the mining attention (visual_features_and_attention), for the lens."""
        feats, att = self.visual_features_and_attention(images, images_aux)
        return self.mm_projector(feats), att

    def visual_features(self, images: torch.Tensor, images_aux: torch.Tensor | None = None) -> torch.Tensor:
        """The LR tokens with the mined HR detail added, before mm_projector, in LLM order."""
        return self.visual_features_and_attention(images, images_aux)[0]

    def visual_features_and_attention(self, images: torch.Tensor, images_aux: torch.Tensor | None = None):
        """visual_features, and for an mgm model the mining attention [B, views, N, M] in the same
        view order (HD: [global, crops]; None for llava)."""
        cfg = self.cfg
        att = None
        v, l, n = cfg.views, cfg.lr_size, cfg.tokens_per_view
        feats = self.vision_tower(images.reshape(-1, 3, l, l))
        c = feats.shape[-1]
        feats = feats.reshape(-1, v, n, c)
        if cfg.architecture == "mgm":
            assert images_aux is not None
            aux = self.vision_tower_aux(images_aux)
            if cfg.grid == 1:
                mined, att = self.mine(feats[:, 0], aux)
                feats, att = feats[:, 0] + mined, att[:, None]
            else:
                g = cfg.grid
                ca, hh = aux.shape[1], aux.shape[-1]
                q = hh // g
                crops = feats[:, : g * g].reshape(-1, n, c)
                aux_crops = aux.reshape(-1, ca, g, q, g, q).permute(0, 2, 4, 1, 3, 5).reshape(-1, ca, q, q)
                mined, crop_att = self.mine(crops, aux_crops)
                crops = (crops + mined).reshape(-1, g * g * n, c)
                att = crop_att.reshape(-1, g * g, n, crop_att.shape[-1])
                if cfg.global_view:
                    glob = feats[:, g * g]
                    aux_global = F.interpolate(aux, size=(q, q), mode="bilinear", align_corners=False)
                    mined, glob_att = self.mine(glob, aux_global)
                    feats = torch.cat([glob + mined, crops], dim=1)
                    att = torch.cat([glob_att[:, None], att], dim=1)
                else:
                    feats = crops
        else:
            if cfg.global_view:
                g2 = cfg.grid * cfg.grid
                feats = torch.cat([feats[:, g2], feats[:, :g2].reshape(-1, g2 * n, c)], dim=1)
            else:
                feats = feats.reshape(-1, v * n, c)
        return feats, att

    # --- language model
    def rope(self, position_ids: torch.Tensor):
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=-1)[:, None]
        return emb.cos(), emb.sin()

    def decode(self, inputs_embeds, attention_mask, position_ids, past=None):
        """One decoder call. past: list of (k, v) per layer, [B, heads, P, head_dim]."""
        s = inputs_embeds.shape[1]
        t = attention_mask.shape[1]
        q_pos = torch.arange(s, device=inputs_embeds.device) + (t - s)
        k_pos = torch.arange(t, device=inputs_embeds.device)
        allowed = (k_pos[None, :] <= q_pos[:, None])[None, None] & (attention_mask[:, None, None, :] > 0)
        mask = torch.where(allowed, torch.zeros((), device=inputs_embeds.device), torch.full((), -1e9, device=inputs_embeds.device))
        cos, sin = self.rope(position_ids)
        x = inputs_embeds
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[i] if past is not None else (None, None))
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            presents.append((k, v))
        return self.lm_head(self.norm(x)), presents
