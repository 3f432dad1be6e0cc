import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config/config.js';
import type { ComponentHealth } from '../runtime/health.js';

/** Delivers one built message: over SMTP, or as an .eml file when no SMTP relay is configured. */
export interface MailTransport {
  send(message: SendMailOptions, key: string): Promise<void>;
  health(): Promise<ComponentHealth>;
  close(): void;
}

/**
 * Pooled SMTP. maxRequeues 0: the pool must not resend an in-flight message on a dropped connection;
 * the queue retries instead, once, knowing what was confirmed.
 */
function smtpTransport(url: string): MailTransport {
  const t: Transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 5,
    maxMessages: 500,
    maxRequeues: 0,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    send: async (message) => {
      await t.sendMail(message);
    },
    health: async () => {
      // A separate, non-pooled probe: verify() on the pool would hold a pool slot.
      const probe = nodemailer.createTransport({
        url,
        connectionTimeout: 3000,
        greetingTimeout: 3000,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      try {
        await probe.verify();
        return { ok: true };
      } catch (err) {
        return { ok: false, detail: `SMTP: ${(err as Error).message}` };
      } finally {
        probe.close();
      }
    },
    close: () => t.close(),
  };
}

/** Development: each mail becomes <outbox dir>/<key>.eml, written atomically; a retry overwrites, never adds. */
function fileTransport(dir: string): MailTransport {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (message, key) => {
      const info = (await t.sendMail(message)) as { message: Buffer };
      await mkdir(dir, { recursive: true });
      const name = `${key.replace(/[^a-z0-9-]/gi, '')}.eml`;
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, info.message);
      await rename(tmp, join(dir, name));
    },
    health: async () => {
      try {
        await mkdir(dir, { recursive: true });
        return { ok: true, detail: `no SMTP_URL: mails are written to ${dir}` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
    close: () => t.close(),
  };
}

export const createMailTransport = (config: Config): MailTransport =>
  config.SMTP_URL ? smtpTransport(config.SMTP_URL) : fileTransport(config.MAIL_OUTBOX_DIR);

/** The file name of a mail in the outbox dir: outbox id, then a hash of the recipient. */
export const mailKey = (outboxId: number, recipient: string): string =>
  `${String(outboxId).padStart(9, '0')}-${createHash('sha256').update(recipient.toLowerCase()).digest('hex').slice(0, 10)}`;

/** 5xx replies are permanent (no retry); 4xx and connection problems are temporary. */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
