export interface StopCheck {
  /** Text that is safe to show now. */
  emit: string;
  /** A stop string was found: generation ends, the stop string and what follows are dropped. */
  stopped: boolean;
}

/**
 * Finds the template's stop strings in the generated text, across token boundaries, and holds
 * back any tail that could be the start of one, so a stop string is never shown, even in part.
 */
export class StopStringFilter {
  private held = '';
  private readonly maxLen: number;

  constructor(private readonly stops: readonly string[]) {
    this.maxLen = stops.reduce((m, s) => Math.max(m, s.length), 0);
  }

  push(text: string): StopCheck {
    if (this.stops.length === 0) return { emit: text, stopped: false };
    this.held += text;
    let at = -1;
    for (const s of this.stops) {
      const i = this.held.indexOf(s);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    }
    if (at !== -1) {
      const emit = this.held.slice(0, at);
      this.held = '';
      return { emit, stopped: true };
    }
    const keep = this.partialSuffixLength();
    const emit = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return { emit, stopped: false };
  }

  /** The held-back text, released when generation ends for another reason. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest tail of `held` that is a proper prefix of a stop string. */
  private partialSuffixLength(): number {
    const h = this.held;
    for (let len = Math.min(this.maxLen - 1, h.length); len > 0; len--) {
      const tail = h.slice(h.length - len);
      if (this.stops.some((s) => s.startsWith(tail))) return len;
    }
    return 0;
  }
}
