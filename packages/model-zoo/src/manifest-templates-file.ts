import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestTemplate } from './manifest-template.ts';
import { ZOO } from './zoo.ts';

/** packages/model-zoo/manifest-templates.json: the templates as tools/export-mgm reads them. */
export const MANIFEST_TEMPLATES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../manifest-templates.json');

export function manifestTemplatesJson(): string {
  const templates = Object.fromEntries(ZOO.map((e) => [e.name, manifestTemplate(e)]));
  return `${JSON.stringify({ generated_by: 'packages/model-zoo (npm run templates -w @mgm/model-zoo)', templates }, null, 2)}\n`;
}
