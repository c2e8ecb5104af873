import { listZoo } from '@mgm/model-zoo';
import { type CliIo, CliUsageError, EXIT_OK } from '../cli-io.ts';
import { parseCommandArgs } from '../cli-options.ts';

export const ZOO_HELP = `mgm zoo [--models-dir DIR] [--json]
  Lists the checkpoints --model accepts by name, with their published benchmark figures and
  whether each is here (under --models-dir, default $MGM_MODELS_DIR, else models/).`;

const zooOptions = {
  'models-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function zooCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, zooOptions);
  if (values.help) {
    io.stdout.write(`${ZOO_HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new CliUsageError(`zoo takes no positional arguments (got "${positionals.join(' ')}")`);
  const modelsDir = typeof values['models-dir'] === 'string' ? values['models-dir'] : undefined;
  const zoo = listZoo({ modelsDir });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(zoo)}\n`);
    return EXIT_OK;
  }
  const rows = zoo.map((e) => [
    e.name,
    e.baseLlm.length > 28 ? `${e.baseLlm.slice(0, 27)}…` : e.baseLlm,
    e.template,
    `${e.image.lrSize * e.image.grid}/${e.image.hrSize ?? '-'}`,
    e.benchmarks?.textvqa?.toFixed(1) ?? '-',
    e.benchmarks?.mmb?.toFixed(1) ?? '-',
    e.available ? (e.dir as string) : 'not here',
  ]);
  const header = ['name', 'LLM', 'template', 'LR/HR', 'TextVQA', 'MMB', 'checkpoint'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  return EXIT_OK;
}
