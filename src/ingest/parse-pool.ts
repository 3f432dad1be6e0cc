import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParsedAttachment, ParsedMail, ParseLimits } from './parse.js';

/**
 * Mail is parsed (mailparser, HTML sanitising, HTML to text) on worker threads, never on the thread that serves
 * the web and holds the mailbox lease: that work is synchronous and, on hostile input, slow. Each message gets a
 * real time limit, counted from when a worker takes it (not while it waits its turn): a worker over the limit is
 * terminated and replaced. Workers are started on first use and do not keep the process alive while idle.
 *
 * Not piscina: its per-task limit is an AbortSignal started when the task is queued, so a message waiting behind
 * two slow ones would be timed out before it ran; and its workers cannot load this TypeScript source as is.
 */
export class ParseTimeout extends Error {}
/** No worker could be started: nothing to do with any message (they wait, the mailbox session retries). */
export class ParsePoolUnavailable extends Error {}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
// Run from the TypeScript source (tsx: tests, `npm run izardesk`), a worker registers tsx before loading its
// entry; compiled (dist/, what ships) it loads the entry as is: registering tsx costs a one-shot command ~1 s.
const BOOT = FROM_SOURCE
  ? `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });`
  : `const { workerData } = require('node:worker_threads'); import(workerData.entry);`;
const TSX = FROM_SOURCE
  ? pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href
  : null;
const ENTRY = new URL(`./parse-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url).href;
/** A worker's heap: a memory bomb ends that worker (the message is unreadable), not the process. */
const WORKER_HEAP_MB = 512;

type Reply = { ok: true; parsed: ParsedMail } | { ok: false; error: string };

interface Job {
  chunks: ArrayBuffer[];
  limits: ParseLimits;
  timeoutMs: number;
  resolve: (p: ParsedMail) => void;
  reject: (e: Error) => void;
}

const CHUNK = 1024 * 1024;

/**
 * The message copied in 1 MB pieces, with a turn of the event loop between them, and handed over (not copied
 * again): copying a 25 MB message at once blocks the loop for a noticeable time on a busy machine.
 */
async function chunked(raw: Buffer): Promise<ArrayBuffer[]> {
  const out: ArrayBuffer[] = [];
  for (let at = 0; at < raw.length; at += CHUNK) {
    if (at) await new Promise((r) => setImmediate(r));
    out.push(new Uint8Array(raw.subarray(at, at + CHUNK)).buffer);
  }
  return out;
}

/** Attachments arrive as Uint8Array views over the handed-over bytes: Buffers again, without a copy. */
const revive = (p: ParsedMail): ParsedMail => ({
  ...p,
  attachments: p.attachments.map(
    (a): ParsedAttachment => ({
      ...a,
      data: a.data ? Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength) : null,
    }),
  ),
});

export class ParsePool {
  private readonly ready: Worker[] = [];
  private readonly queue: Job[] = [];
  private starting = 0;
  private running = 0;
  private closed = false;

  constructor(private readonly size = Math.max(1, availableParallelism() - 1)) {}

  /** Parses in a worker; rejects with ParseTimeout past `timeoutMs` of work, or with the parser's error. */
  async parse(raw: Buffer, limits: ParseLimits, timeoutMs: number): Promise<ParsedMail> {
    const chunks = await chunked(raw);
    return new Promise((resolve, reject) => {
      this.queue.push({ chunks, limits, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** Starts the workers ahead of the first message (their start-up is not a message's time). */
  warm(): void {
    while (!this.closed && this.ready.length + this.starting + this.running < this.size) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('parse pool closed'));
    await Promise.all(this.ready.splice(0).map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length && this.ready.length)
      this.dispatch(this.ready.pop() as Worker, this.queue.shift() as Job);
    if (this.queue.length > this.starting) this.warm();
  }

  private spawn(): void {
    this.starting++;
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { tsx: TSX, entry: ENTRY },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.unref();
    const fail = (err: Error) => {
      this.starting--;
      const down = new ParsePoolUnavailable(`parse worker did not start: ${err.message}`);
      for (const job of this.queue.splice(0)) job.reject(down);
    };
    w.once('error', fail);
    w.once('message', (m: unknown) => {
      w.off('error', fail);
      this.starting--;
      if (m !== 'ready' || this.closed) {
        void w.terminate();
        return;
      }
      this.ready.push(w);
      this.pump();
    });
  }

  private dispatch(w: Worker, job: Job): void {
    this.running++;
    w.ref();
    const settle = (keep: boolean) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      this.running--;
      if (keep && !this.closed) {
        w.unref();
        this.ready.push(w);
      } else void w.terminate();
      this.pump();
    };
    const onMessage = (m: Reply) => {
      settle(true);
      if (m.ok) job.resolve(revive(m.parsed));
      else job.reject(new Error(m.error));
    };
    const onError = (err: Error) => {
      settle(false);
      job.reject(new Error(`parser crashed: ${err.message}`));
    };
    const onExit = () => {
      settle(false);
      job.reject(new Error('parser exited'));
    };
    const timer = setTimeout(() => {
      settle(false);
      job.reject(new ParseTimeout(`parsing took longer than ${job.timeoutMs} ms`));
    }, job.timeoutMs);
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    w.postMessage({ chunks: job.chunks, limits: job.limits }, job.chunks);
  }
}
