import { MgmError } from '@mgm/protocol';
import { type PlannedWorker, parseGpuList, planGpuWorkers } from './gpu-plan.ts';

export const LAUNCH_USAGE =
  'Usage: launch-gpus --gpus 0,1,2,3 --model <checkpoint dir | zoo name> [--dry-run] [worker flags: --dtype q4, --models-dir DIR, --max-batch N, ...]';

/** `--gpus` and `--model` are the launcher's; everything else is handed to each worker. */
export function parseLaunchArgs(argv: string[]): { workers: PlannedWorker[]; dryRun: boolean } {
  let gpus: string | undefined;
  let model: string | undefined;
  let dryRun = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new MgmError('BAD_REQUEST', `${flag} needs a value. ${LAUNCH_USAGE}`);
      return v;
    };
    if (flag === '--gpus') gpus = value();
    else if (flag === '--model') model = value();
    else if (flag === '--dry-run') dryRun = true;
    else if (flag === '--help' || flag === '-h') throw new MgmError('BAD_REQUEST', LAUNCH_USAGE);
    else rest.push(arg);
  }
  if (gpus === undefined) throw new MgmError('BAD_REQUEST', `--gpus is required. ${LAUNCH_USAGE}`);
  if (model === undefined) throw new MgmError('BAD_REQUEST', `--model is required. ${LAUNCH_USAGE}`);
  return { workers: planGpuWorkers({ gpus: parseGpuList(gpus), model, workerArgs: rest }), dryRun };
}
