#!/usr/bin/env python3
"""Reference of @mgm/vision's preprocessing in PIL + numpy (no torch), for parity tests and
benchmarks. It follows the steps of models/README.md "Image preprocessing", i.e. MGM's
model_worker.py (expand2square, CLIPImageProcessor, F.interpolate bilinear align_corners=False)
and conversation.py (the 1344/672 downscale of an upload).

Usage:
  preprocess_ref.py preprocess --image IMG --spec SPEC.json [--mode pad] --out DIR
      writes DIR/meta.json, DIR/hr_u8.bin (the resized + cropped uint8 HWC image the CLIP step
      normalises), DIR/images.f32 and, when hr_size is set, DIR/images_aux.f32 (raw float32, C order)
  preprocess_ref.py downscale --image IMG --out OUT.bin
      MGM's upload rule (longer side > 1344: short side <= 672, PIL bicubic); writes raw RGB and
      prints {"width", "height"}
  preprocess_ref.py resize --image IMG --width W --height H [--filter bicubic] --out OUT.bin
      plain PIL Image.resize, raw RGB out
  preprocess_ref.py batch --jobs JOBS.json
      many of the above in one process: a JSON list of {"cmd": "preprocess" | "downscale" |
      "resize" | "decode", ...keyword arguments of run_<cmd>}; prints the results as a JSON list
  preprocess_ref.py bench --image IMG --spec SPEC.json [--mode pad] [--runs 20]
      median wall and CPU milliseconds of the in-process steps (image already decoded), as JSON
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from PIL import Image

FILTERS = {'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR, 'lanczos': Image.LANCZOS}


def load_rgb(path):
    img = Image.open(path)
    img.load()
    return img.convert('RGB')


def expand2square(img, background):
    width, height = img.size
    if width == height:
        return img
    side = max(width, height)
    result = Image.new(img.mode, (side, side), tuple(background))
    result.paste(img, ((side - width) // 2, (side - height) // 2))
    return result


def clip_resize_crop(img, size, resample):
    """CLIPImageProcessor: resize the shortest edge to `size` (long = int(size * long / short)),
    then centre crop size x size (top = (h - size) // 2, left = (w - size) // 2)."""
    width, height = img.size
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    img = img.resize((new_w, new_h), resample=resample, reducing_gap=None)
    arr = np.asarray(img)
    top = (new_h - size) // 2
    left = (new_w - size) // 2
    return np.ascontiguousarray(arr[top:top + size, left:left + size])


def rescale_normalize(u8, mean, std):
    """transformers: rescale in float64 then cast to float32, normalise in float32, HWC -> CHW."""
    x = (u8.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _axis(in_size, out_size):
    # torch upsample_bilinear2d, align_corners=False, size given: scale = in / out (float32),
    # src = scale * (dst + 0.5) - 0.5 clamped at 0; i1 = min(i0 + 1, in - 1).
    scale = np.float32(in_size / out_size)
    dst = np.arange(out_size, dtype=np.float32)
    src = np.maximum(scale * (dst + np.float32(0.5)) - np.float32(0.5), np.float32(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    l1 = np.clip(src - i0.astype(np.float32), 0, 1).astype(np.float32)
    i1 = np.minimum(i0 + 1, in_size - 1)
    return i0, i1, (np.float32(1) - l1), l1


def bilinear(x, out_h, out_w):
    """torch.nn.functional.interpolate(x[None], (out_h, out_w), mode='bilinear',
    align_corners=False) on a (C, H, W) float32 array, in numpy."""
    _, in_h, in_w = x.shape
    y0, y1, ly0, ly1 = _axis(in_h, out_h)
    x0, x1, lx0, lx1 = _axis(in_w, out_w)
    rows0 = x[:, y0, :]
    rows1 = x[:, y1, :]
    top = rows0[:, :, x0] * lx0 + rows0[:, :, x1] * lx1
    bottom = rows1[:, :, x0] * lx0 + rows1[:, :, x1] * lx1
    return (top * ly0[:, None] + bottom * ly1[:, None]).astype(np.float32)


def preprocess(img, spec, mode):
    resample = FILTERS[spec.get('resample', 'bicubic')]
    lr, grid, hr = spec['lr_size'], spec['grid'], spec['hr_size']
    size = hr if hr is not None else lr * grid
    if mode == 'pad':
        img = expand2square(img, spec['pad_color'])
    elif mode == 'resize':
        img = img.resize((size, size), resample=resample, reducing_gap=None)
    elif mode not in ('crop', 'default'):
        raise ValueError(f'unknown mode {mode}')
    u8 = clip_resize_crop(img, size, resample)
    tensor = rescale_normalize(u8, spec['mean'], spec['std'])
    if hr is not None:
        aux = tensor
        lr_whole = bilinear(tensor, lr * grid, lr * grid)
    else:
        aux = None
        lr_whole = tensor
    if grid >= 2:
        crops = lr_whole.reshape(3, grid, lr, grid, lr).transpose(1, 3, 0, 2, 4).reshape(-1, 3, lr, lr)
        if spec.get('global_view', False):
            crops = np.concatenate([crops, bilinear(lr_whole, lr, lr)[None]], axis=0)
        images = np.ascontiguousarray(crops)[None]
    else:
        images = lr_whole[None, None]
    return u8, images, (aux[None] if aux is not None else None)


def mgm_downscale(img, max_len=1344, min_len=672):
    """MGM conversation.py process_image: a longer side above max_len is brought down so that the
    short side is <= min_len (PIL's default resize filter, BICUBIC)."""
    if max(img.size) <= max_len:
        return img
    max_hw, min_hw = max(img.size), min(img.size)
    aspect_ratio = max_hw / min_hw
    shortest_edge = int(min(max_len / aspect_ratio, min_len, min_hw))
    longest_edge = int(shortest_edge * aspect_ratio)
    width, height = img.size
    if height > width:
        height, width = longest_edge, shortest_edge
    else:
        height, width = shortest_edge, longest_edge
    return img.resize((width, height), resample=Image.BICUBIC)


def run_preprocess(image, spec, mode, out):
    spec = json.load(open(spec)) if isinstance(spec, str) else spec
    u8, images, aux = preprocess(load_rgb(image), spec, mode)
    os.makedirs(out, exist_ok=True)
    u8.tofile(os.path.join(out, 'hr_u8.bin'))
    images.astype(np.float32).tofile(os.path.join(out, 'images.f32'))
    meta = {'hr_u8': list(u8.shape), 'images': list(images.shape), 'images_aux': None}
    if aux is not None:
        aux.astype(np.float32).tofile(os.path.join(out, 'images_aux.f32'))
        meta['images_aux'] = list(aux.shape)
    json.dump(meta, open(os.path.join(out, 'meta.json'), 'w'))
    return meta


def run_downscale(image, out):
    img = mgm_downscale(load_rgb(image))
    np.asarray(img).tofile(out)
    return {'width': img.size[0], 'height': img.size[1]}


def run_resize(image, width, height, out, filter='bicubic'):
    img = load_rgb(image).resize((width, height), resample=FILTERS[filter], reducing_gap=None)
    np.asarray(img).tofile(out)
    return {'width': width, 'height': height}


def run_decode(image, out):
    img = load_rgb(image)
    np.asarray(img).tofile(out)
    return {'width': img.size[0], 'height': img.size[1]}


RUNNERS = {'preprocess': run_preprocess, 'downscale': run_downscale, 'resize': run_resize, 'decode': run_decode}


def cmd_preprocess(args):
    print(json.dumps(run_preprocess(args.image, args.spec, args.mode, args.out)))


def cmd_downscale(args):
    print(json.dumps(run_downscale(args.image, args.out)))


def cmd_resize(args):
    print(json.dumps(run_resize(args.image, args.width, args.height, args.out, args.filter)))


def cmd_batch(args):
    """Runs a JSON list of jobs ({"cmd": "preprocess" | "downscale" | "resize" | "decode", ...the
    keyword arguments of run_<cmd>}) in one process; prints the list of results as JSON."""
    jobs = json.load(open(args.jobs))
    results = []
    for job in jobs:
        job = dict(job)
        results.append(RUNNERS[job.pop('cmd')](**job))
    print(json.dumps(results))


def cmd_bench(args):
    spec = json.load(open(args.spec))
    img = load_rgb(args.image)
    for _ in range(2):
        preprocess(img, spec, args.mode)
    wall, cpu = [], []
    for _ in range(args.runs):
        c0, t0 = time.process_time(), time.perf_counter()
        preprocess(img, spec, args.mode)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    wall.sort()
    cpu.sort()
    print(json.dumps({'runs': args.runs, 'median_ms': wall[len(wall) // 2], 'min_ms': wall[0],
                      'median_cpu_ms': cpu[len(cpu) // 2]}))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('preprocess')
    a.add_argument('--image', required=True)
    a.add_argument('--spec', required=True)
    a.add_argument('--mode', default='pad', choices=['pad', 'crop', 'resize', 'default'])
    a.add_argument('--out', required=True)
    a.set_defaults(fn=cmd_preprocess)
    d = sub.add_parser('downscale')
    d.add_argument('--image', required=True)
    d.add_argument('--out', required=True)
    d.set_defaults(fn=cmd_downscale)
    r = sub.add_parser('resize')
    r.add_argument('--image', required=True)
    r.add_argument('--width', type=int, required=True)
    r.add_argument('--height', type=int, required=True)
    r.add_argument('--filter', default='bicubic', choices=sorted(FILTERS))
    r.add_argument('--out', required=True)
    r.set_defaults(fn=cmd_resize)
    b = sub.add_parser('bench')
    b.add_argument('--image', required=True)
    b.add_argument('--spec', required=True)
    b.add_argument('--mode', default='pad', choices=['pad', 'crop', 'resize', 'default'])
    b.add_argument('--runs', type=int, default=20)
    b.set_defaults(fn=cmd_bench)
    j = sub.add_parser('batch')
    j.add_argument('--jobs', required=True)
    j.set_defaults(fn=cmd_batch)
    args = p.parse_args(argv)
    args.fn(args)


if __name__ == '__main__':
    main(sys.argv[1:])
