import {
  type LogitsProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
} from './logits-processors.ts';
import { Prng } from './prng.ts';
import { GREEDY_TEMPERATURE, argmax, sampleFromScores } from './sampler.ts';

export interface SelectionParams {
  temperature: number;
  topP: number;
  topK: number;
  repetitionPenalty: number;
  seed?: number;
}

/** The processors + sampler of one generation: picks the next token from the last logits row. */
export class TokenSelector {
  readonly greedy: boolean;
  private readonly processors: LogitsProcessor[] = [];
  private readonly repetition: RepetitionPenaltyProcessor | null;
  private readonly prng: Prng | null;

  constructor(params: SelectionParams, vocabSize: number, randomSeed: () => number) {
    this.greedy = params.temperature <= GREEDY_TEMPERATURE;
    this.repetition =
      params.repetitionPenalty !== 1 ? new RepetitionPenaltyProcessor(params.repetitionPenalty, vocabSize) : null;
    if (this.repetition) this.processors.push(this.repetition);
    if (!this.greedy) {
      if (params.temperature !== 1) this.processors.push(new TemperatureProcessor(params.temperature));
      if (params.topK > 0) this.processors.push(new TopKProcessor(params.topK));
      if (params.topP < 1) this.processors.push(new TopPProcessor(params.topP));
    }
    this.prng = this.greedy ? null : new Prng(params.seed ?? randomSeed());
  }

  /** Picks a token; `scores` (the last logits row) is modified in place. */
  select(scores: Float32Array): number {
    for (const p of this.processors) p.process(scores);
    const id = this.prng ? sampleFromScores(scores, this.prng) : argmax(scores);
    this.repetition?.observe(id);
    return id;
  }
}
