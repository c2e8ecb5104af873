import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { MgmError } from '@mgm/protocol';
import { byteLevelTokenBytes } from './byte-level-tokens.ts';

/**
 * The checkpoint's tokenizer.json through @huggingface/tokenizers. Added tokens (`</s>`,
 * `<end_of_turn>`, ...) encode to their single ids wherever they appear in the text; nothing is
 * added around the text (the engine prepends bos itself, as models/README.md says).
 */
export class MgmTokenizer {
  readonly vocabSize: number;
  /** Each token's UTF-8 bytes, for plain ByteLevel tokenizers; null otherwise. */
  readonly tokenBytes: ((id: number) => Uint8Array) | null;
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: unknown) {
    this.tokenizer = new Tokenizer(tokenizerJson as object, { clean_up_tokenization_spaces: false });
    this.vocabSize = this.tokenizer.get_vocab(true).size;
    this.tokenBytes = byteLevelTokenBytes(tokenizerJson);
  }

  static async fromFile(file: string): Promise<MgmTokenizer> {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (cause) {
      throw new MgmError('CHECKPOINT_FILE_MISSING', `checkpoint file missing: tokenizer ${file} does not exist`, {
        cause,
        details: { path: file },
      });
    }
    try {
      return new MgmTokenizer(JSON.parse(raw));
    } catch (cause) {
      throw new MgmError('MANIFEST_INVALID', `tokenizer ${file} cannot be loaded: ${(cause as Error).message}`, { cause });
    }
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * Decodes ids to text. Special tokens are skipped, as MGM's worker decodes
   * (skip_special_tokens=True); the engine recognises stop tokens by id before decoding.
   */
  decode(ids: readonly number[], opts: { skipSpecial?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids as number[], {
      skip_special_tokens: opts.skipSpecial ?? true,
      clean_up_tokenization_spaces: false,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }
}
