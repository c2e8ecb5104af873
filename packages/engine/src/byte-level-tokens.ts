/** GPT-2's byte ↔ printable-unicode table that ByteLevel tokenizers use for their vocabulary. */
function unicodeToByte(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(bs.map((b, i) => [String.fromCharCode(cs[i] as number), b]));
}

interface TokenizerJsonShape {
  decoder?: { type?: string } | null;
  model?: { type?: string; vocab?: Record<string, number> };
  added_tokens?: { id: number; content: string; special?: boolean }[];
}

/**
 * The UTF-8 bytes each token stands for, for tokenizers whose decoder is plain ByteLevel (GPT-2
 * style BPE): decoding is then the concatenation of those bytes, which lets the streamer decode
 * one token at a time with a streaming TextDecoder instead of re-decoding a window of ids.
 * Special added tokens decode to nothing (skip_special_tokens); other added tokens to their text.
 * Returns null for any other decoder (SentencePiece-style Metaspace, ByteFallback, ...).
 */
export function byteLevelTokenBytes(json: unknown): ((id: number) => Uint8Array) | null {
  const j = json as TokenizerJsonShape;
  if (j.decoder?.type !== 'ByteLevel' || j.model?.type !== 'BPE' || !j.model.vocab) return null;
  const table = unicodeToByte();
  const byId = new Map<number, string>();
  for (const [token, id] of Object.entries(j.model.vocab)) byId.set(id, token);
  const special = new Set<number>();
  const added = new Map<number, string>();
  for (const t of j.added_tokens ?? []) {
    if (t.special) special.add(t.id);
    else added.set(t.id, t.content);
  }
  const cache = new Map<number, Uint8Array>();
  const encoder = new TextEncoder();
  const empty = new Uint8Array(0);
  return (id) => {
    let bytes = cache.get(id);
    if (bytes) return bytes;
    if (special.has(id)) bytes = empty;
    else if (added.has(id)) bytes = encoder.encode(added.get(id));
    else {
      const token = byId.get(id) ?? '';
      bytes = Uint8Array.from(Array.from(token, (ch) => table.get(ch) ?? 0x3f));
    }
    cache.set(id, bytes);
    return bytes;
  };
}
