/** The part of a tokenizer the detokenizer needs. */
export interface TokenDecoder {
  decode(ids: readonly number[]): string;
}

const REPLACEMENT = '\uFFFD';
/** A UTF-8 character spans at most 4 bytes; past this many pending tokens the bytes are invalid anyway. */
const MAX_PENDING = 16;

/**
 * Turns generated ids into text deltas without ever splitting a multi-byte character: a window
 * of recent ids is decoded and the text is released only when it does not end in an incomplete
 * sequence (U+FFFD). Decoding a window that starts a few tokens back (not just the new token)
 * keeps tokenizers whose pieces depend on their neighbours (SentencePiece's leading space) right.
 */
export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  private prefixText = '';

  constructor(private readonly decoder: TokenDecoder) {}

  /** Adds one id; returns the newly complete text ('' while a character is incomplete). */
  push(id: number): string {
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
    if (this.readOffset === this.ids.length) return '';
    const text = this.decoder.decode(this.ids.slice(this.prefixOffset));
    const delta = text.slice(this.prefixText.length);
    this.prefixOffset = this.readOffset = this.ids.length;
    this.prefixText = '';
    return delta;
  }
}
