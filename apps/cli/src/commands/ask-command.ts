import { decodeImage } from '@mgm/vision';
import { type CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK } from '../cli-io.ts';
import { commonOptions, imageMode, modelFlags, parseCommandArgs, readImageFile, samplingParams } from '../cli-options.ts';
import { EXTRAS_HELP, describeDrawing, drawAnswer, extraOptions, imageBackendFromEnv, readImageText } from '../mgm-extras.ts';
import { EXPLAIN_HELP, explainOptions, explainTarget, writeExplanation } from '../lens/explain-option.ts';
import { answerWriter, openModel } from '../model-session.ts';

export const ASK_HELP = `mgm ask --model DIR|NAME [--image FILE] [flags] "question"
  Streams the answer of one checkpoint to stdout. NAME is a zoo name (mgm-tiny, MGM-7B-HD, ...),
  looked up under --models-dir DIR (default: $MGM_MODELS_DIR, else models/).
  --temperature 0.2  --top-p 0.7  --top-k 0  --repetition-penalty 1  --max-new-tokens 512  --seed N
  --image-mode pad|crop|resize|default  --device cpu|cuda[:N]|webgpu  --dtype fp32|fp16|q8|q4
  --load-8bit (= --dtype q8)  --load-4bit (= --dtype q4)
  --threads N  --json (one JSON line: text, finish reason, token counts, timings)
${EXTRAS_HELP}
${EXPLAIN_HELP}`;

export async function askCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...commonOptions, ...extraOptions, ...explainOptions });
  if (values.help) {
    io.stdout.write(`${ASK_HELP}\n`);
    return EXIT_OK;
  }
  const question = positionals.join(' ').trim();
  if (question === '') throw new CliUsageError('ask needs a question, e.g. mgm ask --model models/mgm-tiny --image a.png "What colour is the circle?"');
  const params = samplingParams(values);
  const mode = imageMode(values);
  const flags = await modelFlags(values);
  const bytes = typeof values.image === 'string' ? await readImageFile(values.image) : null;
  const image = bytes ? await decodeImage(bytes) : null;
  if (values.ocr && bytes === null) throw new CliUsageError('--ocr reads the text of an image: give one with --image FILE');
  if (values.gen) imageBackendFromEnv(process.env);
  const explainFile = explainTarget(values.explain, bytes !== null);
  const ocrText = values.ocr && bytes ? await readImageText(bytes, flags.intraOpThreads) : undefined;

  const model = await openModel(flags);
  try {
    const stream = model.generate({
      messages: [{ role: 'user', content: question }],
      image,
      imageMode: mode,
      params,
      ocrText,
      generateImage: values.gen === true,
      explain: explainFile !== null,
    });
    const write = answerWriter((s) => io.stdout.write(s));
    if (!values.json) for await (const delta of stream) write(delta);
    const result = await stream.result;
    const explained =
      explainFile && result.finishReason !== 'error'
        ? await writeExplanation(explainFile, result, [`${model.info.displayName}: ${question}`, `answer: ${result.text.trim()}`])
        : null;
    const drawn = values.gen && result.finishReason !== 'error' ? await drawAnswer(result.text, values, process.env) : null;
    if (values.json) {
      const { outputIds: _ids, lens: _lens, ...rest } = result;
      const extras = {
        ...(ocrText !== undefined ? { ocrText } : {}),
        ...(drawn ? { image: { ...drawn.image, pngBase64: undefined, file: drawn.file } } : {}),
        ...(explained ? { lens: { file: explainFile } } : {}),
      };
      io.stdout.write(`${JSON.stringify({ model: model.info.name, dtype: model.info.dtype, ...rest, text: result.text.trim(), ...extras })}\n`);
    } else {
      io.stdout.write('\n');
      if (ocrText !== undefined) io.stderr.write(`OCR: ${ocrText ?? '(no text found)'}\n`);
      if (drawn) io.stderr.write(`${describeDrawing(drawn.image, drawn.file)}\n`);
      if (explained) io.stderr.write(`${explained}\n`);
    }
    if (result.finishReason === 'error') {
      io.stderr.write(`mgm: generation failed: ${result.error?.message ?? 'unknown error'}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    await model.close();
  }
}
