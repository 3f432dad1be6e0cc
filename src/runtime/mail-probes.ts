import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Config } from '../config/config.js';
import type { ComponentHealth } from './health.js';

const PROBE_TIMEOUT_MS = 3000;
/** Mail servers are probed at most this often per process; readiness probes in between reuse the answer. */
const PROBE_CACHE_MS = 10_000;

function cached(fn: () => Promise<ComponentHealth>): () => Promise<ComponentHealth> {
  let last: { at: number; result: Promise<ComponentHealth> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > PROBE_CACHE_MS) last = { at: Date.now(), result: fn() };
    return last.result;
  };
}

const message = (err: unknown): string => {
  const e = err as { message?: string; code?: string; responseText?: string };
  return [e.code, e.responseText ?? e.message].filter(Boolean).join(': ') || String(err);
};

async function probeSmtp(config: Config): Promise<ComponentHealth> {
  if (!config.SMTP_URL) return { ok: true, detail: `off: mails are written to ${config.MAIL_OUTBOX_DIR}` };
  const transport = createTransport({
    url: config.SMTP_URL,
    connectionTimeout: PROBE_TIMEOUT_MS,
    greetingTimeout: PROBE_TIMEOUT_MS,
    socketTimeout: PROBE_TIMEOUT_MS,
  } as SMTPTransport.Options);
  try {
    await transport.verify();
    return { ok: true, detail: `reachable at ${new URL(config.SMTP_URL).host}` };
  } catch (err) {
    return { ok: false, detail: `${new URL(config.SMTP_URL).host}: ${message(err)}` };
  } finally {
    transport.close();
  }
}

/** What an IMAP probe needs: the account and the folders that must exist. */
export interface ImapProbeTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folders: string[];
}

/** Logs in and asks each folder's status: the environment's mailbox at readiness, a mailbox's test in the admin. */
export async function probeImapAccount(a: ImapProbeTarget): Promise<ComponentHealth> {
  const where = `${a.host}:${a.port}`;
  const client = new ImapFlow({
    host: a.host,
    port: a.port,
    secure: a.secure,
    auth: { user: a.user, pass: a.password },
    logger: false,
    connectionTimeout: PROBE_TIMEOUT_MS,
    greetingTimeout: PROBE_TIMEOUT_MS,
    socketTimeout: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => {}); // reported through the rejected promise below
  try {
    await client.connect();
  } catch (err) {
    client.close();
    return { ok: false, detail: `${where}: ${message(err)}` };
  }
  const components: Record<string, ComponentHealth> = {};
  for (const folder of a.folders) {
    try {
      const st = await client.status(folder, { messages: true, unseen: true });
      components[folder] = st
        ? { ok: true, detail: `${st.messages ?? 0} messages, ${st.unseen ?? 0} unseen` }
        : { ok: false, detail: 'folder not found' };
    } catch (err) {
      components[folder] = { ok: false, detail: message(err) };
    }
  }
  await client.logout().catch(() => client.close());
  const ok = Object.values(components).every((c) => c.ok);
  return { ok, detail: ok ? `reachable at ${where}` : `${where}: a folder is not usable`, components };
}

async function probeImap(config: Config): Promise<ComponentHealth> {
  if (!config.imapEnabled) return { ok: true, detail: 'off: no mailbox configured (IMAP_HOST, IMAP_USER)' };
  const folders = [...config.IMAP_MAILBOXES];
  if (config.IMAP_PROCESSED_MAILBOX) folders.push(config.IMAP_PROCESSED_MAILBOX);
  if (config.IMAP_SENT_MAILBOX) folders.push(config.IMAP_SENT_MAILBOX);
  return probeImapAccount({
    host: config.IMAP_HOST as string,
    port: config.IMAP_PORT,
    secure: config.IMAP_SECURE,
    user: config.IMAP_USER as string,
    password: config.IMAP_PASSWORD ?? '',
    folders,
  });
}

const probes = new WeakMap<
  Config,
  { smtp: () => Promise<ComponentHealth>; imap: () => Promise<ComponentHealth> }
>();

function probesOf(config: Config) {
  let p = probes.get(config);
  if (!p) {
    p = { smtp: cached(() => probeSmtp(config)), imap: cached(() => probeImap(config)) };
    probes.set(config, p);
  }
  return p;
}

/** SMTP relay reachable (EHLO and, with credentials, AUTH), or off when mail goes to files. */
export const smtpCheck = (config: Config): Promise<ComponentHealth> => probesOf(config).smtp();

/** IMAP login works and each watched folder (and the Processed/Sent folders) exists. */
export const imapCheck = (config: Config): Promise<ComponentHealth> => probesOf(config).imap();
