import { urls } from '../app/links.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import type { ReplyToken } from '../domain/tokens.js';
import { type OutboxRecord, type PersonRow, USER_COLUMNS } from './outbox-load.js';
import type { Person, Recipient } from './recipients.js';
import { mailBound, type Strings, stringsFor } from './strings.js';
import type { TemplateName } from './templates.js';
import type { NotificationTexts } from './text-overrides.js';

/** Everything needed to render and address one recipient's mail. */
export interface MailPlan {
  template: TemplateName;
  lang: string;
  subject: string;
  fromName: string;
  ticketId: number | null;
  /** Message-ID (with brackets) of the mail this one answers; null: the ticket's thread root. */
  inReplyTo: string | null;
  /** Message-IDs (with brackets) of the conversation, oldest first; the thread root is added before them. */
  references: string[];
  data: Record<string, unknown>;
}

export interface PlannedMail {
  recipient: Recipient;
  /** Ticket and recipient named by the reply token in Message-ID and Reply-To; null when no ticket or no account. */
  replyToken: ReplyToken | null;
  /** Builds the mail; may have effects that belong to sending (an invitation sets a fresh password). */
  plan(): Promise<MailPlan>;
}

/** What every family of events plans with. */
export interface PlanContext {
  db: Db;
  config: Config;
  row: OutboxRecord;
  link: ReturnType<typeof urls>;
  /** Users by id, read in one query. */
  users(ids: (number | null | undefined)[]): Promise<Map<number, PersonRow>>;
  /** The strings of a mail in a language: the admins' texts of that mail over the defaults. */
  strings(template: TemplateName, lang: string): Promise<Strings>;
  /** The data every template uses, in the recipient's language, with the mail's strings. */
  base(lang: string, tr: Strings): Record<string, unknown>;
  /**
   * The sender's display name in a language: the ticket's mailbox's, else SUPPORT_NAME_<LANG>, SUPPORT_NAME,
   * else "Soporte IzarLink"...
   */
  senderName(lang: string): string;
}

/** Plans the mails of one family of events (the part of the event name before the dot). */
export type FamilyPlanner = (c: PlanContext) => Promise<PlannedMail[]>;

export const person = (u: PersonRow): Person => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  language: u.language,
  role: u.role,
  bouncedAt: u.bounced_at,
  notifySelf: u.notify_self ?? u.role === 'customer',
  timeZone: u.time_zone,
});

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A Message-ID as stored (bare) in header form. */
export const bracketed = (id: string): string => `<${id.replace(/^<|>$/g, '')}>`;

const NAME_KEYS = { es: 'SUPPORT_NAME_ES', en: 'SUPPORT_NAME_EN', fr: 'SUPPORT_NAME_FR' } as const;

export function senderName(config: Config, lang: string): string {
  const own = config[NAME_KEYS[lang as keyof typeof NAME_KEYS] ?? 'SUPPORT_NAME_ES'];
  return own || config.SUPPORT_NAME || stringsFor(lang)('mail:senderName', { company: config.COMPANY_NAME });
}

export function planContext(
  db: Db,
  config: Config,
  row: OutboxRecord,
  texts: NotificationTexts,
): PlanContext {
  const link = urls(config.PUBLIC_URL);
  return {
    db,
    config,
    row,
    link,
    strings: async (template, lang) => stringsFor(lang, await texts.of(template, lang)),
    async users(ids) {
      const wanted = [...new Set(ids.filter((i): i is number => typeof i === 'number'))];
      const rows: PersonRow[] = wanted.length
        ? await db('users').whereIn('id', wanted).select(USER_COLUMNS)
        : [];
      return new Map(rows.map((u) => [u.id, u]));
    },
    base: (lang, tr) => ({
      t: mailBound(tr),
      lang,
      company: config.COMPANY_NAME,
      supportAddress: row.sender?.address ?? config.SUPPORT_ADDRESS,
      loginUrl: link.login(),
      fromPerson: false,
      files_html: '',
      files_text: '',
    }),
    senderName: (lang) => (row.sender ? row.sender.names[lang] || row.sender.name : senderName(config, lang)),
  };
}

/**
 * Who hears of a ticket nobody is assigned: the shared mailbox if configured, else the active members of the
 * ticket's team, else every active agent (or admin).
 */
export async function ticketTeam(c: PlanContext, teamId: number | null): Promise<Person[]> {
  if (c.config.AGENTS_ADDRESS || teamId === null) return team(c);
  const rows: PersonRow[] = await c
    .db('users as u')
    .join('team_members as m', 'm.user_id', 'u.id')
    .where({ 'm.team_id': teamId, 'u.active': true })
    .whereIn('u.role', ['agent', 'admin'])
    .orderBy('u.id')
    .select(USER_COLUMNS.map((col) => `u.${col}`));
  return rows.length ? rows.map(person) : team(c);
}

/** The team when nobody is assigned: the shared mailbox if configured, else every active agent (or admin). */
export async function team({ db, config }: PlanContext): Promise<Person[]> {
  if (config.AGENTS_ADDRESS) {
    const language = config.DEFAULT_LANGUAGE;
    const name = stringsFor(language)('mail:team');
    return [
      {
        userId: null,
        email: config.AGENTS_ADDRESS,
        name,
        language,
        role: 'team',
        bouncedAt: null,
        notifySelf: false,
      },
    ];
  }
  for (const role of ['agent', 'admin'] as const) {
    const rows: PersonRow[] = await db('users')
      .where({ role, active: true })
      .orderBy('id')
      .select(USER_COLUMNS);
    if (rows.length) return rows.map(person);
  }
  return [];
}
