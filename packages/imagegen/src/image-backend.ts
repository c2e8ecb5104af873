/** A picture a text-to-image backend drew. */
export interface BackendImage {
  png: Uint8Array;
  width: number;
  height: number;
  /** `scene-renderer`, `openai-images`, `a1111`. */
  backend: string;
  /** What the picture is, said plainly to the person who sees it. */
  note: string;
}

export interface ImageGenOptions {
  width?: number;
  height?: number;
  signal?: AbortSignal;
}

/** One text-to-image backend: MGM sends the model's <h>…</h> prompt to it. */
export interface ImageBackend {
  readonly name: string;
  generate(prompt: string, opts?: ImageGenOptions): Promise<BackendImage>;
}
