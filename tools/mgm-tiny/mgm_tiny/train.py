"""Train one tiny checkpoint. `python3 -m mgm_tiny.train --name mgm-tiny --out work/mgm-tiny`."""
from __future__ import annotations

import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F

from .configs import config_for
from .model import MGMTiny
from .samples import IGNORE, SampleBuilder, TrainStream, collate
from .tokenizer import Tokenizer


def loss_on_batch(model: MGMTiny, builder: SampleBuilder, batch, device) -> torch.Tensor:
    arrays, ids, labels, mask = batch
    ids, labels, mask = ids.to(device), labels.to(device), mask.to(device)
    images, aux = builder.tensors(arrays, device)
    vis = model.encode_images(images, aux)
    b = ids.shape[0]
    pre = torch.tensor(builder.prefix_ids, device=device)[None].expand(b, -1)
    emb = torch.cat([model.embed_tokens(pre), vis, model.embed_tokens(ids)], 1)
    head = pre.shape[1] + vis.shape[1]
    attn = torch.cat([torch.ones(b, head, dtype=torch.long, device=device), mask], 1)
    pos = torch.arange(emb.shape[1], device=device)[None].expand(b, -1)
    logits, _ = model.decode(emb, attn, pos)
    logits = logits[:, head - 1 : -1]  # the positions that predict the post-image tokens
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--tokenizer", default="work/tokenizer.json")
    ap.add_argument("--exclude", default="work/heldout-keys.json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--init-from", default="", help="continue from this model.pt (a second stage of training)")
    ap.add_argument("--time-budget", type=float, default=0.0,
                    help="seconds: after 50 steps, cut --steps so the run ends within this budget")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    tok = Tokenizer.load(args.tokenizer)
    cfg = config_for(args.name, len(tok.vocab))
    builder = SampleBuilder(cfg, tok)
    with open(args.exclude) as f:
        exclude = set(json.load(f))
    model = MGMTiny(cfg)
    prior_steps = 0
    if args.init_from:
        prior = torch.load(args.init_from, map_location="cpu")
        model.load_state_dict(prior["state_dict"])
        prior_steps = prior["train"]["steps"] + prior["train"].get("prior_steps", 0)
    model = model.to(device)
    n_params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"event": "start", "name": cfg.name, "params": n_params, "device": str(device), "threads": args.threads,
                      "steps": args.steps, "batch": args.batch}), flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embed" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))

    def lr_at(step: int) -> float:
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p)))

    loader = torch.utils.data.DataLoader(
        TrainStream(builder, exclude, args.seed), batch_size=args.batch, collate_fn=collate,
        num_workers=args.workers, persistent_workers=args.workers > 0,
    )
    os.makedirs(args.out, exist_ok=True)
    model.train()
    t0 = time.time()
    running = 0.0
    for step, batch in enumerate(loader):
        if step >= args.steps:
            break
        if step == 50 and args.time_budget > 0:
            per_step = (time.time() - t0) / 50
            args.steps = max(100, min(args.steps, int(args.time_budget / per_step)))
            print(json.dumps({"event": "budget", "s_per_step": round(per_step, 4), "steps": args.steps}), flush=True)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        loss = loss_on_batch(model, builder, batch, device)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running += loss.item()
        if (step + 1) % args.log_every == 0:
            el = time.time() - t0
            print(json.dumps({"step": step + 1, "loss": round(running / args.log_every, 4), "lr": round(lr_at(step), 6),
                              "elapsed_s": round(el, 1), "s_per_step": round(el / (step + 1), 4)}), flush=True)
            running = 0.0
    wall = time.time() - t0
    torch.save({"config": cfg.to_dict(), "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
                "train": {"steps": args.steps, "batch": args.batch, "lr": args.lr, "device": str(device),
                          "wall_s": round(wall, 1), "params": n_params, "prior_steps": prior_steps}},
               os.path.join(args.out, "model.pt"))
    print(json.dumps({"event": "done", "wall_s": round(wall, 1)}), flush=True)


if __name__ == "__main__":
    main()
