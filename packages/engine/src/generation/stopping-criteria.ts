export type FinishReason = 'stop' | 'length' | 'abort' | 'error';

export interface StoppingConfig {
  /** Ids that end the turn: eos, and the tokens whose text is a stop string (`<end_of_turn>`, ...). */
  stopTokenIds: ReadonlySet<number>;
  maxNewTokens: number;
  contextLength: number;
  /** Text tokens + the real visual token count of the prompt. */
  promptLength: number;
  signal?: AbortSignal;
}

/**
 * Token-level stopping: stop ids, max new tokens, the context budget, and the abort signal
 * (checked once per token). Stop strings spanning tokens are the StopStringFilter's job.
 */
export class StoppingCriteria {
  /** How many new tokens fit: min(max new tokens, context left after the prompt). */
  readonly budget: number;

  constructor(private readonly config: StoppingConfig) {
    this.budget = Math.min(config.maxNewTokens, config.contextLength - config.promptLength);
  }

  aborted(): boolean {
    return this.config.signal?.aborted === true;
  }

  isStopToken(id: number): boolean {
    return this.config.stopTokenIds.has(id);
  }

  /** After `generated` tokens: is the budget spent? */
  exhausted(generated: number): boolean {
    return generated >= this.budget;
  }
}
