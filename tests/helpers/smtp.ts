import type { Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Db } from '../../src/db/db.js';
import { waitUntil } from './poll.js';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface CapturingSmtp {
  port: number;
  url: string;
  messages: CapturedMail[];
  /** Answer RCPT TO for this address with the given code (e.g. 451 temporary, 550 permanent). */
  reject(address: string, code: number, text?: string): void;
  accept(address: string): void;
  /** Closes the server and drops open connections; start() listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Waits until `count` messages match (or fails after timeoutMs). */
  waitFor(count: number, match?: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail[]>;
}

export const parse = (m: CapturedMail): Promise<ParsedMail> => simpleParser(m.raw);

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts, for tests and benchmarks. */
export async function startCapturingSmtp(opts: { keepRaw?: boolean } = {}): Promise<CapturingSmtp> {
  const messages: CapturedMail[] = [];
  const rejections = new Map<string, { code: number; text: string }>();
  const sockets = new Set<Socket>();
  let server: SMTPServer | null = null;
  let port = 0;

  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 50 * 1024 * 1024,
      onRcptTo(address, _session, cb) {
        const r = rejections.get(address.address.toLowerCase());
        if (!r) return cb();
        const err = new Error(r.text) as Error & { responseCode: number };
        err.responseCode = r.code;
        cb(err);
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => {
          if (opts.keepRaw !== false) chunks.push(c);
        });
        stream.on('end', () => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          cb();
        });
      },
    });

  const start = async () => {
    server = make();
    const s = server;
    s.server.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.server.address() as { port: number }).port;
  };

  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const sock of sockets) sock.destroy();
    await closed;
  };

  await start();
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    messages,
    reject: (address, code, text = code >= 500 ? 'No such user here' : 'Try again later') =>
      rejections.set(address.toLowerCase(), { code, text }),
    accept: (address) => rejections.delete(address.toLowerCase()),
    stop,
    start,
    close: stop,
    waitFor: (count, match = () => true, timeoutMs = 15_000) =>
      waitUntil(
        `${count} mails`,
        () => {
          const found = messages.filter(match);
          return found.length >= count && found;
        },
        {
          timeoutMs,
          everyMs: 25,
          now: () => `${messages.filter(match).length} matching of ${messages.length} captured`,
        },
      ),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every outbox row is processed, then returns the mails captured since the previous call. */
export function mailCollector(db: Db, smtp: CapturingSmtp) {
  let seen = 0;
  return async (): Promise<ParsedMail[]> => {
    await waitUntil(
      'the outbox to be processed',
      async () => Number((await db('outbox').whereNull('done_at').count({ n: '*' }))[0]?.n) === 0,
    );
    const fresh = smtp.messages.slice(seen);
    seen = smtp.messages.length;
    return Promise.all(fresh.map(parse));
  };
}

export const toAddress = (m: ParsedMail): string => {
  const to = Array.isArray(m.to) ? m.to[0] : m.to;
  return to?.value[0]?.address ?? '';
};

export const header = (m: ParsedMail, name: string): string => {
  const v = m.headers.get(name.toLowerCase());
  return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
};
