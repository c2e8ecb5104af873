import { isMgmError } from '@mgm/protocol';
import { type CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-io.ts';
import { ASK_HELP, askCommand } from './commands/ask-command.ts';
import { CHAT_HELP, chatCommand } from './commands/chat-command.ts';
import { EVAL_HELP, evalCommand } from './commands/eval-command.ts';
import { ZOO_HELP, zooCommand } from './commands/zoo-command.ts';

const HELP = `mgm: MGM checkpoints from the command line (in-process, one checkpoint)

${ASK_HELP}

${CHAT_HELP}

${EVAL_HELP}

${ZOO_HELP}`;

/** Errors about what the user gave (a file, a flag, a checkpoint): exit 2 like a bad flag. */
const USAGE_CODES = new Set([
  'BAD_REQUEST',
  'IMAGE_INVALID',
  'IMAGE_TOO_LARGE',
  'PROMPT_TOO_LONG',
  'MANIFEST_INVALID',
  'CHECKPOINT_FILE_MISSING',
  'MODEL_NOT_FOUND',
  'GRAPH_MISMATCH',
  'TEMPLATE_UNKNOWN',
  'PROVIDER_UNAVAILABLE',
]);

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  ask: askCommand,
  chat: chatCommand,
  eval: evalCommand,
  zoo: zooCommand,
};

/** Runs `mgm <command> ...`; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${HELP}\n`);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`mgm: unknown command "${command}" (ask, chat, eval, zoo; mgm --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    const message = ((err as Error)?.message ?? String(err)).split('\n')[0];
    io.stderr.write(`mgm: ${message}\n`);
    if (err instanceof CliUsageError) return EXIT_USAGE;
    if (isMgmError(err)) return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILURE;
    return EXIT_FAILURE;
  }
}

export { EXIT_OK };
