"""A byte-level BPE tokenizer trained on the synthetic corpus, saved in Hugging Face's
tokenizer.json format (ByteLevel pre-tokenizer and decoder, BPE model, special tokens as
added tokens) so that @huggingface/tokenizers loads it unchanged.

Encoding here follows the same steps as the Hugging Face implementation: split out special
tokens, split the rest with the GPT-2 pattern, map bytes to unicode, apply merges by rank.
The pattern below is the ASCII restriction of GPT-2's (the corpus is ASCII); merges never
join digits, so every digit of a code is its own token.
"""
from __future__ import annotations

import json
import re
from collections import Counter

SPECIAL_TOKENS = [
    "<pad>", "<s>", "</s>", "<image>", "<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>",
    "<|im_start|>", "<|im_end|>", "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
    "<|eot_id|>", "<unk>",
]
PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_MAP = bytes_to_unicode()
BYTE_UNMAP = {v: k for k, v in BYTE_MAP.items()}


def _to_symbols(word: str) -> list[str]:
    return [BYTE_MAP[b] for b in word.encode("utf-8")]


class Tokenizer:
    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.vocab = vocab
        self.inverse = {i: t for t, i in vocab.items()}
        self.merges = merges
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.special = {t: vocab[t] for t in SPECIAL_TOKENS}
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in sorted(SPECIAL_TOKENS, key=len, reverse=True)) + ")")
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def train(cls, corpus: list[str], vocab_size: int) -> "Tokenizer":
        words: Counter[str] = Counter()
        for text in corpus:
            for piece in re.split(r"<[^>]*>", text):
                words.update(PRETOKENIZE.findall(piece))
        vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
        for b in range(256):
            vocab.setdefault(BYTE_MAP[b], len(vocab))
        splits = {w: _to_symbols(w) for w in words}
        merges: list[tuple[str, str]] = []
        while len(vocab) < vocab_size:
            pairs: Counter[tuple[str, str]] = Counter()
            for w, freq in words.items():
                syms = splits[w]
                for a, b in zip(syms, syms[1:]):
                    if any(ch.isdigit() for ch in a + b):
                        continue
                    pairs[(a, b)] += freq
            if not pairs:
                break
            best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
            merges.append(best)
            merged = best[0] + best[1]
            vocab[merged] = len(vocab)
            for w, syms in splits.items():
                i, out = 0, []
                while i < len(syms):
                    if i + 1 < len(syms) and syms[i] == best[0] and syms[i + 1] == best[1]:
                        out.append(merged)
                        i += 2
                    else:
                        out.append(syms[i])
                        i += 1
                splits[w] = out
        return cls(vocab, merges)

    def _bpe(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        syms = _to_symbols(word)
        while len(syms) > 1:
            best_rank, best_i = None, -1
            for i, pair in enumerate(zip(syms, syms[1:])):
                r = self.ranks.get(pair)
                if r is not None and (best_rank is None or r < best_rank):
                    best_rank, best_i = r, i
            if best_rank is None:
                break
            syms = syms[:best_i] + [syms[best_i] + syms[best_i + 1]] + syms[best_i + 2:]
        ids = [self.vocab[s] for s in syms]
        self._cache[word] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for part in self._special_re.split(text):
            if not part:
                continue
            if part in self.special:
                ids.append(self.special[part])
                continue
            for word in PRETOKENIZE.findall(part):
                ids.extend(self._bpe(word))
        return ids

    def decode(self, ids: list[int], skip_special: bool = False) -> str:
        out, buf = [], []
        for i in ids:
            tok = self.inverse[i]
            if tok in self.special:
                if buf:
                    out.append(bytes(BYTE_UNMAP[c] for c in "".join(buf)).decode("utf-8", "replace"))
                    buf = []
                if not skip_special:
                    out.append(tok)
            else:
                buf.append(tok)
        if buf:
            out.append(bytes(BYTE_UNMAP[c] for c in "".join(buf)).decode("utf-8", "replace"))
        return "".join(out)

    def save(self, path: str) -> None:
        added = [
            {"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in SPECIAL_TOKENS
        ]
        data = {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)

    @classmethod
    def load(cls, path: str) -> "Tokenizer":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
        return cls(data["model"]["vocab"], merges)  # type: ignore[arg-type]
