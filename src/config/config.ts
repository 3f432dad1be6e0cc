import { readFileSync } from 'node:fs';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { type Catalog, DEFAULT_CATALOG, parseCatalog } from '../domain/catalog.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'on' || v === 'true' || v === '1' || v === 'yes');
const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `a URL starting with ${protocols.join(' or ')}`,
  );

/** A whole number written in decimal ("0x10", "3.5" and "-1" are refused, not coerced). */
function int(min: number, max?: number) {
  const expected =
    max === undefined ? `a whole number, at least ${min}` : `a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, expected)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, expected)
        .max(max ?? Number.MAX_SAFE_INTEGER, expected),
    );
}

const LANGS = ['es', 'en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export const LANGUAGES: readonly Lang[] = LANGS;

/** Every environment variable the product reads, with its default; .env.example documents the same list. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/izardesk'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379/0'),
  REDIS_PREFIX: z.string().min(1).default('izardesk'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  SECRET: z.string().min(32, 'at least 32 characters').optional(),
  TICKET_PREFIX: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, '2 to 10 capital letters or digits')
    .default('IZL'),
  DEFAULT_LANGUAGE: z.enum(LANGS).default('es'),
  /** Dates on pages for visitors (a signed-in user has their own zone, chosen in Personalización). */
  DEFAULT_TIME_ZONE: z
    .string()
    .refine((z) => Intl.supportedValuesOf('timeZone').includes(z), 'an IANA time zone like Europe/Madrid')
    .default('Europe/Madrid'),
  COMPANY_NAME: z.string().min(1).default('IzarLink'),
  BRAND_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0b5fff')
    .default('#0b5fff'),
  LOGO_URL: z.string().optional(),
  CATALOG_FILE: z.string().optional(),
  SUPPORT_ADDRESS: z.string().email().default('support@izardesk.local'),
  /** Display name of SUPPORT_ADDRESS in every language; unset: "Soporte <COMPANY_NAME>", "<COMPANY_NAME> Support"... */
  SUPPORT_NAME: z.string().optional(),
  /** The display name in one language, over SUPPORT_NAME. */
  SUPPORT_NAME_ES: z.string().optional(),
  SUPPORT_NAME_EN: z.string().optional(),
  SUPPORT_NAME_FR: z.string().optional(),
  /** Where mail for agents goes when no agent is set (the shared mailbox). */
  AGENTS_ADDRESS: z.string().email().optional(),
  SUBADDRESS_SEPARATOR: z.string().max(1).default('+'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_MAX_PER_SECOND: z.coerce.number().positive().default(20),
  MAIL_OUTBOX_DIR: z.string().default('var/mail-outbox'),
  IMAP_HOST: z.string().optional(),
  IMAP_PORT: int(1, 65535).default(993),
  IMAP_SECURE: bool.default(true),
  IMAP_USER: z.string().optional(),
  IMAP_PASSWORD: z.string().optional(),
  IMAP_MAILBOXES: z.string().default('INBOX'),
  IMAP_SENT_MAILBOX: z.string().optional(),
  IMAP_PROCESSED_MAILBOX: z.string().optional(),
  /** Where a message that cannot even be recorded is moved, so it never stalls the folder (created if missing). */
  IMAP_UNPROCESSABLE_MAILBOX: z.string().min(1).default('Izardesk-Unprocessable'),
  IMAP_POLL_SECONDS: z.coerce.number().positive().default(60),
  /** How often the ingest reads the admin's mailboxes (table `mailboxes`): added or changed ones start within this. */
  MAILBOX_REFRESH_SECONDS: int(1, 3600).default(30),
  MAIL_TRUSTED_AUTHSERV_ID: z.string().optional(),
  MAIL_UNKNOWN_SENDER: z.enum(['reply', 'create_account']).default('reply'),
  MAIL_MAX_MESSAGE_BYTES: int(1).default(30 * 1024 * 1024),
  /** A message's parse (on a worker thread) over this is stopped, and the message quarantined as unreadable. */
  MAIL_PARSE_TIMEOUT_MS: int(100).default(10_000),
  MAIL_SENDER_LIMIT_PER_HOUR: int(1).default(20),
  MAIL_AUTO_ANSWER_LIMIT_PER_HOUR: int(1).default(5),
  AUTO_CLOSE_DAYS: int(0).default(7),
  /** The satisfaction survey offered to the customer when a ticket is closed. */
  SURVEY_ENABLED: bool.default(true),
  /** 0: the survey is in the closing mail; else a mail of its own this many minutes after the closing. */
  SURVEY_DELAY_MINUTES: int(0, 60 * 24 * 30).default(0),
  /** The mail gallery at /dev/mails (admins, no SMTP_URL); unset: on except with NODE_ENV=production. */
  MAIL_GALLERY: bool.optional(),
  /** Minutes between two mails to agents listing newly held messages; 0 = no digest. */
  QUARANTINE_DIGEST_MINUTES: int(0).default(60),
  /** A webhook endpoint failing this many days on end (no success in between) is disabled and the admins mailed. */
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().positive().default(3),
  /** Minutes between two looks for SLA clocks to warn about or escalate; 0 = no SLA mails. */
  SLA_CHECK_MINUTES: int(0).default(1),
  /** Raw inbound mail older than this many days loses its bytes (the record stays); unset: kept for ever. */
  RAW_MAIL_RETENTION_DAYS: int(1).optional(),
  /**
   * Reverse proxies whose X-Forwarded-* headers are believed (comma-separated addresses, CIDR ranges, or
   * `loopback`, `linklocal`, `uniquelocal`). Unset: none, the client address is the connection's.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => {
      try {
        proxyaddr.compile(list);
        return true;
      } catch {
        return false;
      }
    }, 'addresses or CIDR ranges separated by commas (or loopback, linklocal, uniquelocal)'),
  /** Bearer token for /metrics and the details of /healthz and /readyz on the public port (unset: nobody). */
  OPS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** When set, /metrics moves off the public port to this one (also gives worker processes an endpoint). */
  METRICS_PORT: int(0, 65535).optional(),
  SHUTDOWN_TIMEOUT_MS: int(1).default(15000),
  /** A request (headers and body) must arrive within this; slow uploads cannot hold a socket for long. */
  HTTP_REQUEST_TIMEOUT_MS: int(1000).default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: int(1000).default(10_000),
  /** Uploads (multipart forms) read at once per client address. */
  UPLOADS_PER_IP: int(1).default(4),
  /** Follow-ups one user may add per minute on the web. */
  FOLLOWUPS_PER_MINUTE: int(1).default(10),
  /** Requests one REST API token may make per minute (a fixed window, counted in Redis); more get 429. */
  API_RATE_PER_MINUTE: int(1).default(600),
  /** Customer follow-ups within this many seconds reach the agents as one mail. */
  AGENT_FOLLOWUP_MAIL_DELAY_SECONDS: int(0, 3600).default(60),
  /** Single sign-on for staff (OpenID Connect): off while OIDC_ISSUER is unset (docs/sso.md). */
  OIDC_ISSUER: url(['https:', 'http:']).optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  /** Unset: a public client (PKCE only). */
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** Unset: PUBLIC_URL + /auth/oidc/callback. */
  OIDC_REDIRECT_URL: url(['https:', 'http:']).optional(),
  OIDC_SCOPES: z
    .string()
    .default('openid email profile')
    .refine((v) => v.split(/\s+/).includes('openid'), 'scopes separated by spaces, openid among them'),
  /** The claim naming the person's groups or roles; a dotted path reaches into objects (realm_access.roles). */
  OIDC_ROLE_CLAIM: z.string().min(1).default('groups'),
  /** Values of that claim that make an agent, and an admin (an admin value wins). */
  OIDC_AGENT_VALUES: commaList,
  OIDC_ADMIN_VALUES: commaList,
  /** The provider's name on the login button ("Entrar con <name>"); unset: the issuer's host. */
  OIDC_BUTTON_LABEL: z.string().max(60, 'at most 60 characters').optional(),
  /** `off`: agents and admins sign in only through single sign-on; customers keep their passwords. */
  STAFF_PASSWORD_LOGIN: onOff.default(true),
});

export type Env = z.infer<typeof envSchema>;

/** Single sign-on settings, gathered once the OIDC_* variables are checked together. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  redirectUrl: string;
  scopes: string;
  roleClaim: string;
  agentValues: string[];
  adminValues: string[];
  /** The provider's name on the login button. */
  label: string;
}

export interface Config extends Omit<Env, 'SECRET' | 'IMAP_MAILBOXES'> {
  SECRET: string;
  IMAP_MAILBOXES: string[];
  imapEnabled: boolean;
  catalog: Catalog;
  /** Null: no single sign-on (OIDC_ISSUER unset). */
  oidc: OidcSettings | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The value as it may be shown back: secrets hidden, URL passwords masked. */
function shown(key: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN/.test(key)) return 'hidden';
  return `"${value.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@').slice(0, 60)}"`;
}

/**
 * Parses and validates the environment once. Throws a ConfigError whose message is one line per problem,
 * each naming the variable. Empty or blank values count as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const i of parsed.error.issues) {
      const key = String(i.path[0]);
      if (seen.has(key)) continue;
      seen.add(key);
      const got = cleaned[key];
      lines.push(
        `invalid configuration: ${key}: ${i.message}${got === undefined ? '' : ` (got ${shown(key, got)})`}`,
      );
    }
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  if (!e.SECRET && e.NODE_ENV === 'production') {
    throw new ConfigError('invalid configuration: SECRET: required in production (at least 32 characters)');
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'invalid configuration: HTTP_HEADERS_TIMEOUT_MS: at most HTTP_REQUEST_TIMEOUT_MS (the request includes its headers)',
    );
  }
  const imapEnabled = Boolean(e.IMAP_HOST && e.IMAP_USER);
  if (e.IMAP_HOST && !e.IMAP_USER)
    throw new ConfigError('invalid configuration: IMAP_USER: required with IMAP_HOST');
  const oidc = oidcSettings(e);
  let catalog = DEFAULT_CATALOG;
  if (e.CATALOG_FILE) {
    try {
      catalog = parseCatalog(JSON.parse(readFileSync(e.CATALOG_FILE, 'utf8')));
    } catch (err) {
      const why =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join(', ')
          : (err as Error).message.split('\n')[0];
      throw new ConfigError(`invalid configuration: CATALOG_FILE: ${why}`);
    }
  }
  return {
    ...e,
    // Development default only: production requires SECRET (checked above).
    SECRET: e.SECRET ?? 'izardesk-development-secret-change-me-0000',
    IMAP_MAILBOXES: e.IMAP_MAILBOXES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    imapEnabled,
    catalog,
    oidc,
  };
}

/** OIDC_* checked together: half a configuration stops start-up rather than leave a login that cannot work. */
function oidcSettings(e: Env): OidcSettings | null {
  const fail = (key: string, why: string) => new ConfigError(`invalid configuration: ${key}: ${why}`);
  if (!e.OIDC_ISSUER) {
    if (e.OIDC_CLIENT_ID) throw fail('OIDC_ISSUER', 'required with OIDC_CLIENT_ID');
    if (!e.STAFF_PASSWORD_LOGIN)
      throw fail('STAFF_PASSWORD_LOGIN', 'off needs OIDC_ISSUER (staff would have no way to sign in)');
    return null;
  }
  if (!e.OIDC_CLIENT_ID) throw fail('OIDC_CLIENT_ID', 'required with OIDC_ISSUER');
  if (e.NODE_ENV === 'production' && new URL(e.OIDC_ISSUER).protocol !== 'https:')
    throw fail('OIDC_ISSUER', 'must start with https: in production');
  if (e.OIDC_AGENT_VALUES.length === 0 && e.OIDC_ADMIN_VALUES.length === 0)
    throw fail(
      'OIDC_AGENT_VALUES',
      `or OIDC_ADMIN_VALUES required with OIDC_ISSUER (values of ${e.OIDC_ROLE_CLAIM})`,
    );
  return {
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET ?? null,
    redirectUrl: e.OIDC_REDIRECT_URL ?? new URL('/auth/oidc/callback', e.PUBLIC_URL).href,
    scopes: e.OIDC_SCOPES.split(/\s+/).filter(Boolean).join(' '),
    roleClaim: e.OIDC_ROLE_CLAIM,
    agentValues: e.OIDC_AGENT_VALUES,
    adminValues: e.OIDC_ADMIN_VALUES,
    label: e.OIDC_BUTTON_LABEL ?? new URL(e.OIDC_ISSUER).host,
  };
}
