"""Train one tiny checkpoint. `python3 -m mgm_tiny.train --name mgm-tiny --out work/mgm-tiny`."""
from __future__ import annotations

import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from .configs import RECIPES, config_for
from .labels import NO_DIGIT
from .model import MGMTiny
from .qa import TRAIN_WEIGHTS
from .samples import IGNORE, SampleBuilder, TrainStream, collate
from .schedule import budget_steps, warmup_cosine
from .tokenizer import Tokenizer


def loss_on_batch(model: MGMTiny, builder: SampleBuilder, batch, device, digit_head: nn.Module | None,
                  aux_weight: float, per_answer: bool = False) -> tuple[torch.Tensor, float]:
    """Next-token loss on the answers, averaged over tokens or (per_answer) over answers, plus the
    mined tokens' digit read-out when digit_head is given. The template's text before the image
    is the same for every sample: its keys and values are computed once per batch and shared."""
    arrays, ids, labels, mask, digits, weights = batch
    ids, labels, mask, digits = ids.to(device), labels.to(device), mask.to(device), digits.to(device)
    images, aux = builder.tensors(arrays, device)
    feats = model.visual_features(images, aux)
    vis = model.mm_projector(feats)
    b = ids.shape[0]
    pre = torch.tensor(builder.prefix_ids, device=device)[None]
    p = pre.shape[1]
    _, past = model.decode(model.embed_tokens(pre), torch.ones(1, p, dtype=torch.long, device=device),
                           torch.arange(p, device=device)[None])
    past = [(k.expand(b, -1, -1, -1), v.expand(b, -1, -1, -1)) for k, v in past]
    emb = torch.cat([vis, model.embed_tokens(ids)], 1)
    attn = torch.cat([torch.ones(b, p + vis.shape[1], dtype=torch.long, device=device), mask], 1)
    pos = torch.arange(p, p + emb.shape[1], device=device)[None].expand(b, -1)
    logits, _ = model.decode(emb, attn, pos, past)
    logits = logits[:, vis.shape[1] - 1 : -1]  # the positions that predict the post-image tokens
    if per_answer:
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE, reduction="none")
        weights = weights.to(device).reshape(-1)
        lm = (ce * weights).sum() / weights.sum()
    else:
        lm = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE)
    if digit_head is None:
        return lm, 0.0
    d_logits = digit_head(feats).reshape(-1, 11)
    d_labels = digits.reshape(-1)
    on_glyph = d_labels != NO_DIGIT
    if not on_glyph.any():
        return lm, 0.0
    aux_loss = F.cross_entropy(d_logits[on_glyph], d_labels[on_glyph]) + 0.2 * F.cross_entropy(d_logits, d_labels)
    return lm + aux_weight * aux_loss, aux_loss.item()


def load_towers(model: MGMTiny, path: str) -> dict:
    """Put the pretrained towers in and freeze them, as MGM trains with frozen CLIP and ConvNeXt.
    Returns how the towers were trained (recorded in the checkpoint)."""
    towers = torch.load(path, map_location="cpu")
    model.vision_tower.load_state_dict(towers["vision_tower"])
    frozen = [model.vision_tower]
    if model.cfg.architecture == "mgm":
        model.vision_tower_aux.load_state_dict(towers["vision_tower_aux"])
        frozen.append(model.vision_tower_aux)
    for m in frozen:
        m.requires_grad_(False)
        m.eval()
    return towers["train"]


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
    ap.add_argument("--recipe", choices=RECIPES, default="gpu", help="model sizes (configs.py)")
    ap.add_argument("--towers", default="", help="pretrained vision towers (pretrain_towers.py), kept frozen; "
                    "without it the towers train end to end with the rest, as the first (gpu) checkpoints did")
    ap.add_argument("--aux-weight", type=float, default=0.0, help="weight of the mined tokens' digit read-out")
    ap.add_argument("--per-answer", action="store_true", help="every answer weighs the same in the loss, not every token")
    ap.add_argument("--per-answer-from", type=int, default=-1,
                    help="token-averaged loss until this step, then --per-answer (the tokens teach the language first)")
    ap.add_argument("--zero-start-mining", action="store_true",
                    help="start the mining's value projector at zero, so the mined vector grows from nothing")
    ap.add_argument("--max-tokens", type=int, default=0, help="pack questions per image up to this length (0: 1-4 turns)")
    ap.add_argument("--save-every", type=int, default=0, help="also save model.pt every N steps")
    ap.add_argument("--init-from", default="", help="continue from this model.pt (a second stage of training)")
    ap.add_argument("--init-llm-from", default="",
                    help="start the LLM, token embeddings and mm_projector from another checkpoint's model.pt (e.g. "
                    "llava-tiny's): MGM trains its mining against an LLM that already works; the rest starts fresh")
    ap.add_argument("--init-mining-from", default="",
                    help="start the patch info mining projectors from another mgm checkpoint (one that already reads)")
    ap.add_argument("--time-budget", type=float, default=0.0,
                    help="seconds: every 50 steps, cut --steps so the run ends within this budget at the recent pace")
    ap.add_argument("--type-weight", action="append", default=[], metavar="TYPE=W",
                    help="how often a question type is drawn, in place of qa.TRAIN_WEIGHTS' figure (repeatable)")
    args = ap.parse_args()
    type_weights = {k: float(v) for k, v in (tw.split("=", 1) for tw in args.type_weight)}
    if set(type_weights) - set(TRAIN_WEIGHTS):
        ap.error(f"--type-weight: unknown type(s) {sorted(set(type_weights) - set(TRAIN_WEIGHTS))}; known: {list(TRAIN_WEIGHTS)}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    tok = Tokenizer.load(args.tokenizer)
    cfg = config_for(args.name, len(tok.vocab), args.recipe)
    builder = SampleBuilder(cfg, tok)
    with open(args.exclude) as f:
        exclude = set(json.load(f))
    model = MGMTiny(cfg)
    prior_steps = 0
    if args.init_from:
        prior = torch.load(args.init_from, map_location="cpu")
        model.load_state_dict(prior["state_dict"])
        prior_steps = prior["train"]["steps"] + prior["train"].get("prior_steps", 0)
    if args.init_llm_from:
        prior = torch.load(args.init_llm_from, map_location="cpu")
        prior_steps = prior["train"]["steps"] + prior["train"].get("prior_steps", 0)
        own = model.state_dict()
        llm = {k: v for k, v in prior["state_dict"].items()
               if not k.startswith(("vision_tower", "vlm_uni_")) and k in own and own[k].shape == v.shape}
        model.load_state_dict(llm, strict=False)
        print(json.dumps({"event": "init_llm", "from": args.init_llm_from, "tensors": len(llm),
                          "prior_steps": prior_steps}), flush=True)
    if args.init_mining_from:
        mining = {k: v for k, v in torch.load(args.init_mining_from, map_location="cpu")["state_dict"].items()
                  if k.startswith("vlm_uni_")}
        model.load_state_dict(mining, strict=False)
        print(json.dumps({"event": "init_mining", "from": args.init_mining_from, "tensors": len(mining)}), flush=True)
    towers_train = load_towers(model, args.towers) if args.towers else None
    if args.zero_start_mining and cfg.architecture == "mgm" and not args.init_from:
        # the mined vector is added to the pretrained LR token: at zero, untrained projectors
        # cannot bury what a frozen LR tower already says (measured: slower, see README)
        nn.init.zeros_(model.vlm_uni_val_projector[1].weight)
        nn.init.zeros_(model.vlm_uni_val_projector[1].bias)
    digit_head = nn.Linear(model.vision_tower.hidden_size, 33) if cfg.architecture == "mgm" and args.aux_weight > 0 else None
    model = model.to(device)
    if digit_head is not None:
        digit_head = digit_head.to(device)
    n_params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"event": "start", "name": cfg.name, "params": n_params, "device": str(device), "threads": args.threads,
                      "steps": args.steps, "batch": args.batch}), flush=True)

    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if digit_head is not None:
        trainable += [(f"digit_head.{n}", p) for n, p in digit_head.named_parameters()]
    decay = [p for n, p in trainable if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in trainable if not (p.dim() >= 2 and "embed" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))

    def lr_at(step: int) -> float:  # args.steps may be cut by --time-budget after a few steps
        return warmup_cosine(step, args.lr, args.warmup, args.steps)

    loader = torch.utils.data.DataLoader(
        TrainStream(builder, exclude, args.seed, args.max_tokens, type_weights), batch_size=args.batch, collate_fn=collate,
        num_workers=args.workers, persistent_workers=args.workers > 0,
    )
    def save(steps_done: int, wall: float) -> None:
        torch.save({"config": cfg.to_dict(), "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
                    "train": {"steps": steps_done, "batch": args.batch, "lr": args.lr, "device": str(device),
                              "wall_s": round(wall, 1), "params": n_params, "prior_steps": prior_steps,
                              "stage": "stage 1 (towers frozen)" if towers_train else "end to end",
                              "per_answer_from": 0 if args.per_answer else args.per_answer_from,
                              "type_weights": type_weights or None,
                              "llm_from": args.init_llm_from or None,
                              "mining_from": args.init_mining_from or None,
                              "towers": towers_train}},
                   os.path.join(args.out, "model.pt"))

    os.makedirs(args.out, exist_ok=True)
    model.train()
    if args.towers:
        model.vision_tower.eval()
        if cfg.architecture == "mgm":
            model.vision_tower_aux.eval()
    t0 = t_mark = time.time()
    running = running_aux = 0.0
    for step, batch in enumerate(loader):
        if step >= args.steps:
            break
        if step > 0 and step % 50 == 0 and args.time_budget > 0:
            # Re-checked every 50 steps at the recent pace: a shared machine's load changes mid-run.
            now = time.time()
            per_step = (now - t_mark) / 50
            t_mark = now
            fitted = budget_steps(step, args.steps, args.time_budget - (now - t0), per_step)
            if fitted != args.steps:
                args.steps = fitted
                print(json.dumps({"event": "budget", "step": step, "s_per_step": round(per_step, 4), "steps": args.steps}),
                      flush=True)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        per_answer = args.per_answer or 0 <= args.per_answer_from <= step
        loss, aux_loss = loss_on_batch(model, builder, batch, device, digit_head, args.aux_weight, per_answer)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
        opt.step()
        running += loss.item()
        running_aux += aux_loss
        if (step + 1) % args.log_every == 0:
            el = time.time() - t0
            print(json.dumps({"step": step + 1, "loss": round(running / args.log_every, 4),
                              "aux_digits": round(running_aux / args.log_every, 4), "lr": round(lr_at(step), 6),
                              "elapsed_s": round(el, 1), "s_per_step": round(el / (step + 1), 4)}), flush=True)
            running = running_aux = 0.0
        if args.save_every and (step + 1) % args.save_every == 0:
            save(step + 1, time.time() - t0)
    wall = time.time() - t0
    save(args.steps, wall)
    print(json.dumps({"event": "done", "wall_s": round(wall, 1)}), flush=True)


if __name__ == "__main__":
    main()
