import { parentPort } from 'node:worker_threads';
import { type ParseLimits, parseMail } from './parse.js';

/** A parse worker thread: one message at a time, as the pool hands them (parse-pool.ts). */
const port = parentPort;
if (!port) throw new Error('parse-worker runs only as a worker thread');
port.on('message', async ({ chunks, limits }: { chunks: ArrayBuffer[]; limits: ParseLimits }) => {
  try {
    const parsed = await parseMail(
      chunks.map((c) => Buffer.from(c)),
      limits,
    );
    // Each kept file in a buffer of its own, handed over to the pool's thread rather than copied there.
    const moved: ArrayBuffer[] = [];
    for (const a of parsed.attachments) {
      if (!a.data) continue;
      const own = new Uint8Array(a.data);
      moved.push(own.buffer);
      a.data = Buffer.from(own.buffer);
    }
    port.postMessage({ ok: true, parsed }, moved);
  } catch (err) {
    port.postMessage({ ok: false, error: (err as Error).message });
  }
});
port.postMessage('ready');
