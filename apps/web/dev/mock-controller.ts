/**
 * DEVELOPMENT ONLY: a stand-in for apps/controller so the page can be worked on without Redis,
 * workers or checkpoints. It speaks the real protocol (schemas from @mgm/protocol) but its
 * answers are canned text, not a model. Never used by tests or by `npm start`.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateRequestSchema,
  resumeRequestSchema,
  stopRequestSchema,
  describeZodError,
  type ClientFrame,
  type ClientToServerEvents,
  type ModelSummary,
  type ServerToClientEvents,
} from '@mgm/protocol';
import { Server } from 'socket.io';

const models: ModelSummary[] = [
  { id: 'mgm-tiny', displayName: 'MGM-Tiny', architecture: 'mgm', template: 'vicuna_v1', workers: 2, ready: 2, visualTokens: 36, contextLength: 512, lrSize: 48, hrSize: 192, capabilities: ['image', 'multi-turn', 'patch-info-mining'] },
  { id: 'mgm-tiny-hd', displayName: 'MGM-Tiny-HD', architecture: 'mgm', template: 'vicuna_v1', workers: 1, ready: 1, visualTokens: 180, contextLength: 512, lrSize: 48, hrSize: 384, capabilities: ['image', 'multi-turn', 'hd', 'patch-info-mining'] },
  { id: 'llava-tiny', displayName: 'LLaVA-Tiny', architecture: 'llava', template: 'vicuna_v1', workers: 1, ready: 0, visualTokens: 36, contextLength: 512, lrSize: 48, hrSize: null, capabilities: ['image', 'multi-turn'] },
];

const cannedAnswer = (question: string) =>
  `**Mock controller** — this is canned text, not a model.\n\nYou asked: _${question.replace(/[_*`]/g, '')}_\n\n` +
  'The image shows:\n\n- a **red** triangle at the top right\n- a blue circle\n\n| shape | colour |\n| --- | --- |\n| triangle | red |\n| circle | blue |\n\n`code: 641`';

interface MockJob {
  frames: ClientFrame[];
  room: string;
  stopped: boolean;
}

export async function startMockController(port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const images = new Map<string, Buffer>();
  const jobs = new Map<string, MockJob>();
  let nextId = 0;

  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/api/models') return json(200, { models });
    if (req.method === 'POST' && (req.url === '/api/images' || req.url === '/api/feedback')) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/api/feedback') {
          process.stdout.write(`[mock] feedback ${body.toString('utf8').slice(0, 300)}\n`);
          return json(200, { ok: true, id: `fb-${++nextId}` });
        }
        const isPng = body.subarray(1, 4).toString('latin1') === 'PNG';
        if (!isPng) return json(422, { error: { code: 'IMAGE_INVALID', message: 'The mock controller only reads PNG files.' } });
        const imageId = createHash('sha256').update(body).digest('hex');
        images.set(imageId, body);
        return json(200, { imageId, width: body.readUInt32BE(16), height: body.readUInt32BE(20) });
      });
      return;
    }
    const image = req.url?.match(/^\/api\/images\/([0-9a-f]{64})$/);
    if (req.method === 'GET' && image?.[1] && images.has(image[1])) {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(images.get(image[1]));
    }
    return json(404, { error: { code: 'BAD_REQUEST', message: `mock: no route ${req.method} ${req.url}` } });
  });

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, { path: '/socket.io' });
  io.on('connection', (socket) => {
    socket.on('generate', (raw, ack) => {
      const parsed = generateRequestSchema.safeParse(raw);
      if (!parsed.success) return ack({ ok: false, error: { code: 'BAD_REQUEST', message: describeZodError(parsed.error) } });
      const request = parsed.data;
      const missing = request.models.find((id) => !models.some((model) => model.id === id && model.ready > 0));
      if (missing) return ack({ ok: false, error: { code: 'NO_WORKER', message: `No worker hosting ${missing} is ready. Start one or pick another model.` } });
      const requestId = `req${++nextId}`;
      const room = `request:${requestId}`;
      void socket.join(room);
      const question = request.messages.at(-1)?.content ?? '';
      const started = request.models.map((model) => ({ jobId: `job${++nextId}`, model }));
      ack({ ok: true, requestId, jobs: started });
      for (const { jobId, model } of started) {
        const job: MockJob = { frames: [], room, stopped: false };
        jobs.set(jobId, job);
        const emit = (frame: ClientFrame) => {
          job.frames.push(frame);
          io.to(room).emit('frame', frame);
        };
        const base = { jobId, requestId, model };
        const words = cannedAnswer(question).split(/(?<=\s)/);
        let seq = 0;
        let sent = '';
        setTimeout(() => emit({ ...base, seq: seq++, type: 'start', workerId: `${model}-w1`, queueMs: 12 }), 300);
        const timer = setInterval(() => {
          if (question.toLowerCase().includes('fail') && seq === 3) {
            clearInterval(timer);
            return emit({ ...base, seq: seq++, type: 'error', code: 'WORKER_FAILED', message: 'The worker mgm-tiny-w1 exited while answering (mock).' });
          }
          const word = words.shift();
          if (word !== undefined && !job.stopped) {
            sent += word;
            return emit({ ...base, seq: seq++, type: 'delta', text: word });
          }
          clearInterval(timer);
          emit({
            ...base,
            seq: seq++,
            type: 'end',
            finishReason: job.stopped ? 'abort' : 'stop',
            text: sent,
            tokens: { prompt: 80, visual: 36, generated: seq - 1 },
            timingsMs: { queue: 12, preprocess: 3, vision: 20, prefill: 15, ttft: 50, decode: seq * 60, total: seq * 60 + 50 },
            tokensPerSecond: 16.4,
          });
        }, 60);
      }
    });
    socket.on('stop', (raw, ack) => {
      const parsed = stopRequestSchema.safeParse(raw);
      if (!parsed.success || !('jobId' in parsed.data)) return ack({ ok: false, error: { code: 'BAD_REQUEST', message: 'mock: stop by jobId only' } });
      const job = jobs.get(parsed.data.jobId);
      if (job) job.stopped = true;
      ack({ ok: true, jobIds: [parsed.data.jobId] });
    });
    socket.on('resume', (raw, ack) => {
      const parsed = resumeRequestSchema.safeParse(raw);
      const job = parsed.success ? jobs.get(parsed.data.jobId) : undefined;
      if (!parsed.success || !job) return ack({ ok: false, error: { code: 'BAD_REQUEST', message: 'mock: unknown job' } });
      void socket.join(job.room);
      const first = job.frames[0];
      ack({ ok: true, jobId: parsed.data.jobId, requestId: first?.requestId ?? '', model: first?.model ?? '' });
      for (const frame of job.frames.filter((candidate) => candidate.seq > parsed.data.afterSeq)) socket.emit('frame', frame);
    });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await io.close();
    },
  };
}
