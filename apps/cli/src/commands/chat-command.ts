import readline from 'node:readline';
import type { ChatMessage } from '@mgm/protocol';
import { isMgmError } from '@mgm/protocol';
import { type DecodedImage, decodeImage } from '@mgm/vision';
import { type CliIo, CliUsageError, EXIT_OK } from '../cli-io.ts';
import { commonOptions, imageMode, modelFlags, parseCommandArgs, readImageFile, samplingParams } from '../cli-options.ts';
import { EXTRAS_HELP, describeDrawing, drawAnswer, extraOptions, imageBackendFromEnv, readImageText } from '../mgm-extras.ts';
import { answerWriter, openModel } from '../model-session.ts';

export const CHAT_HELP = `mgm chat --model DIR [--image FILE] [flags]
  An interactive conversation with one checkpoint. In the chat:
    /image FILE   load a new image (starts a new conversation, as MGM does)
    /reset        forget the conversation and the image
    /exit         leave (or Ctrl-D); Ctrl-C stops an answer being written
  Flags as for mgm ask, and (applied to every turn):
${EXTRAS_HELP}`;

export async function chatCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...commonOptions, ...extraOptions });
  if (values.help) {
    io.stdout.write(`${CHAT_HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new CliUsageError(`chat takes no positional arguments (got "${positionals.join(' ')}")`);
  const params = samplingParams(values);
  const mode = imageMode(values);
  const flags = await modelFlags(values);
  if (values.gen) imageBackendFromEnv(process.env);
  const initialBytes = typeof values.image === 'string' ? await readImageFile(values.image) : null;
  let image: DecodedImage | null = initialBytes ? await decodeImage(initialBytes) : null;
  // With --ocr, read once per image and given to the model on every turn.
  let ocrText: string | null = values.ocr && initialBytes ? await readImageText(initialBytes, flags.intraOpThreads) : null;

  const model = await openModel(flags);
  const interactive = (io.stdin as NodeJS.ReadStream).isTTY === true;
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout, terminal: interactive });
  let messages: ChatMessage[] = [];
  let current: AbortController | null = null;
  const note = (s: string): void => {
    io.stderr.write(`${s}\n`);
  };
  rl.on('SIGINT', () => {
    if (current) current.abort();
    else rl.close();
  });

  note(
    `${model.info.displayName} (${model.info.architecture}, ${model.info.template}, ${model.info.device})` +
      `${image ? `, image ${image.width}x${image.height}` : ''}. /image FILE, /reset, /exit.`,
  );
  const prompt = (): void => {
    if (interactive) io.stdout.write('> ');
  };
  prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '') {
        prompt();
        continue;
      }
      if (line === '/exit' || line === '/quit') break;
      if (line === '/help') {
        note(CHAT_HELP);
      } else if (line === '/reset') {
        messages = [];
        image = null;
        ocrText = null;
        note('(conversation and image cleared)');
      } else if (line.startsWith('/image')) {
        const file = line.slice('/image'.length).trim();
        try {
          if (file === '') throw new CliUsageError('/image needs a file name');
          const bytes = await readImageFile(file);
          image = await decodeImage(bytes);
          ocrText = values.ocr ? await readImageText(bytes, flags.intraOpThreads) : null;
          if (values.ocr) note(`(OCR: ${ocrText ?? 'no text found'})`);
          messages = [];
          note(`(image ${image.width}x${image.height} loaded; new conversation)`);
        } catch (err) {
          note(`mgm: ${(err as Error).message}`);
        }
      } else if (line.startsWith('/')) {
        note(`mgm: unknown command ${line.split(/\s/)[0]}; try /help`);
      } else {
        messages.push({ role: 'user', content: line });
        current = new AbortController();
        try {
          const stream = model.generate(
            { messages, image, imageMode: mode, params, ocrText, generateImage: values.gen === true },
            { signal: current.signal },
          );
          const write = answerWriter((s) => io.stdout.write(s));
          for await (const delta of stream) write(delta);
          const result = await stream.result;
          io.stdout.write(result.finishReason === 'abort' ? ' [stopped]\n' : '\n');
          if (result.finishReason === 'error') note(`mgm: generation failed: ${result.error?.message ?? 'unknown error'}`);
          else if (values.gen && result.finishReason !== 'abort') {
            const drawn = await drawAnswer(result.text, values, process.env);
            note(describeDrawing(drawn.image, drawn.file));
          }
          const answer = result.text.trim();
          if (answer === '') messages.pop();
          else messages.push({ role: 'assistant', content: answer });
        } catch (err) {
          messages.pop();
          const hint = isMgmError(err) && err.code === 'PROMPT_TOO_LONG' ? ' (/reset starts over)' : '';
          note(`mgm: ${(err as Error).message}${hint}`);
        } finally {
          current = null;
        }
      }
      prompt();
    }
  } finally {
    rl.close();
    await model.close();
  }
  return EXIT_OK;
}
