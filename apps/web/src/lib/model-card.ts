import type { ModelSummary } from '@mgm/protocol';

/** What the vision side of a checkpoint is, in the picker's words. */
export function architectureLabel(model: Pick<ModelSummary, 'architecture' | 'capabilities'>): string {
  if (model.capabilities.includes('hd')) return 'HD grid: LR crops + global view, HR mining';
  if (model.architecture === 'mgm') return 'LR + HR mining';
  return 'LR only (no HR branch)';
}

/** The question types' names as the test set calls them, for people. */
const typeNames: Record<string, string> = {
  colour: 'Colour',
  count: 'Count',
  description: 'Description',
  generation: 'Image prompt',
  position: 'Position',
  shape: 'Shape',
  text: 'Text (code)',
};

export function questionTypeName(type: string): string {
  return typeNames[type] ?? type.charAt(0).toUpperCase() + type.slice(1);
}

/**
 * The model a new chat starts with: the best measured one (highest overall score of its
 * manifest's evaluation) among those with a ready worker; without measurements, MGM (LR + HR
 * mining) first, then anything ready, then anything.
 */
export function defaultModel(models: readonly ModelSummary[]): ModelSummary | undefined {
  const ready = models.filter((model) => model.ready > 0);
  const measured = ready.filter((model) => model.evaluation);
  if (measured.length > 0) return measured.reduce((best, model) => (model.evaluation!.overall > best.evaluation!.overall ? model : best));
  return ready.find((model) => model.architecture === 'mgm') ?? ready[0] ?? models[0];
}

/**
 * Whether a question without an image to this model deserves a warning: its measurements (the
 * test set of its manifest's `eval` block) are questions about images only, which is what the
 * tiny checkpoints were trained on; without an image their answers mean nothing.
 */
export function warnWithoutImage(model: ModelSummary | undefined, hasImage: boolean): boolean {
  return !hasImage && model !== undefined && model.capabilities.includes('image') && (model.evaluation?.byType.length ?? 0) > 0;
}
