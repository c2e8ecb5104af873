/**
 * Copies a few images of the held-out test set (models/eval) into public/examples and writes
 * src/lib/examples.json with their questions. Run again if the test set is regenerated:
 *   npx tsx apps/web/scripts/sync-examples.ts [testId ...]
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = path.resolve(webDir, '../../models/eval');
const defaultIds = ['0008-0', '0013-0', '0015-1', '0009-0'];

const testRowSchema = z.object({ id: z.string(), image: z.string(), question: z.string(), answer: z.string(), type: z.string() });

const ids = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaultIds;
const rows = (await readFile(path.join(evalDir, 'test.jsonl'), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => testRowSchema.parse(JSON.parse(line)));

await mkdir(path.join(webDir, 'public/examples'), { recursive: true });
const examples = [];
for (const id of ids) {
  const row = rows.find((candidate) => candidate.id === id);
  if (!row) throw new Error(`test id ${id} is not in models/eval/test.jsonl`);
  const file = path.basename(row.image);
  await copyFile(path.join(evalDir, row.image), path.join(webDir, 'public/examples', file));
  examples.push({ id: row.id, image: `/examples/${file}`, question: row.question, kind: row.type });
}
await writeFile(path.join(webDir, 'src/lib/examples.json'), `${JSON.stringify(examples, null, 2)}\n`);
process.stdout.write(`wrote ${examples.length} examples\n`);
