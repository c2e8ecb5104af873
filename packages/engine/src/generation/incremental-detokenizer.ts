/** The part of a tokenizer the detokenizer needs. */
export interface TokenDecoder {
  decode(ids: readonly number[]): string;
  /** Each token's UTF-8 bytes when decoding is plain byte concatenation (ByteLevel BPE). */
  tokenBytes?: ((id: number) => Uint8Array) | null;
}

const REPLACEMENT = '\uFFFD';
const STREAM = { stream: true } as const;
/** A UTF-8 character spans at most 4 bytes; past this many pending tokens the bytes are invalid anyway. */
const MAX_PENDING = 16;

/**
 * Turns generated ids into text deltas without ever splitting a multi-byte character.
 *
 * ByteLevel tokenizers: each token's bytes go through a streaming TextDecoder, which by design
 * holds an incomplete UTF-8 sequence until it completes: O(1) per token, and the deltas join to
 * exactly what decoding all ids at once gives.
 *
 * Other tokenizers: a window of recent ids is decoded and text is released only when it does not
 * end in an incomplete sequence (U+FFFD). Decoding a few tokens back, not the new token alone,
 * keeps tokenizers whose pieces depend on their neighbours (SentencePiece's leading space) right.
 */
export class IncrementalDetokenizer {
  private readonly bytes: ((id: number) => Uint8Array) | null;
  private readonly utf8 = new TextDecoder('utf-8');
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  private prefixText = '';

  constructor(private readonly decoder: TokenDecoder) {
    this.bytes = decoder.tokenBytes ?? null;
  }

  /** Adds one id; returns the newly complete text ('' while a character is incomplete). */
  push(id: number): string {
    if (this.bytes) return this.utf8.decode(this.bytes(id), STREAM);
    this.ids.push(id);
    const text = this.decoder.decode(this.ids.slice(this.prefixOffset));
    const complete = !text.endsWith(REPLACEMENT) || this.ids.length - this.readOffset >= MAX_PENDING;
    if (text.length > this.prefixText.length && complete) {
      const delta = text.slice(this.prefixText.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      this.prefixText = this.decoder.decode(this.ids.slice(this.prefixOffset, this.readOffset));
      return delta;
    }
    return '';
  }

  /** Whatever is still pending at the end of generation. */
  flush(): string {
    if (this.bytes) return this.utf8.decode();
    if (this.readOffset === this.ids.length) return '';
    const text = this.decoder.decode(this.ids.slice(this.prefixOffset));
    const delta = text.slice(this.prefixText.length);
    this.prefixOffset = this.readOffset = this.ids.length;
    this.prefixText = '';
    return delta;
  }
}
