import type { GeneratedImage } from '@mgm/protocol';

const SCENE_RENDERER = 'scene-renderer';

/**
 * MGM's generation answer: the image prompt the model wrote and the picture a backend drew from
 * it. The synthetic-scene renderer is labelled as such: it is not a diffusion model.
 */
export function GeneratedImageView({ image, onLoad }: { image: GeneratedImage; onLoad?: () => void }) {
  const label =
    image.backend === SCENE_RENDERER
      ? 'Synthetic-scene renderer (draws the shapes the prompt names), not a diffusion model'
      : image.backend
        ? `Image backend: ${image.backend}`
        : null;
  return (
    <figure className="mt-3 space-y-2 rounded-xl border border-slate-200 bg-slate-50 p-3" data-testid="generated-image" data-status={image.status}>
      {image.prompt !== null ? (
        <p className="text-sm text-slate-700">
          <span className="font-medium text-slate-500">Image prompt: </span>
          <span data-testid="generated-image-prompt">{image.prompt}</span>
        </p>
      ) : null}
      {image.status === 'ok' && image.pngBase64 ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL from the answer frame
        <img
          src={`data:image/png;base64,${image.pngBase64}`}
          alt={image.prompt ?? 'generated image'}
          width={image.width}
          height={image.height}
          className="max-h-80 w-auto max-w-full rounded-lg border border-slate-200 bg-surface"
          onLoad={onLoad}
          data-testid="generated-image-picture"
        />
      ) : (
        <p className="text-sm text-amber-700" data-testid="generated-image-missing">
          No picture: {image.message ?? 'the backend returned none'}
        </p>
      )}
      {label ? (
        <figcaption className="text-xs text-slate-500" data-testid="generated-image-label" title={image.note}>
          {label}
        </figcaption>
      ) : null}
    </figure>
  );
}
