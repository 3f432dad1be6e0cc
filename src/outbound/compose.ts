import { generatePassword, hashPassword } from '../app/accounts/passwords.js';
import { approvalToken, emailChangeToken, emailUndoToken, resetToken, urls } from '../app/links.js';
import type { OutboxEvent } from '../app/outbox.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import { formatReference, stripSubjectPrefixes } from '../domain/reference.js';
import type { ReplyToken } from '../domain/tokens.js';
import { escapeHtml } from '../infra/escape-html.js';
import { formatBytes } from './format.js';
import { LABEL_STYLE, textToHtml, VALUE_STYLE } from './html.js';
import { type Audience, audiencesOf, type Person, type Recipient, resolveRecipients } from './recipients.js';
import { mailStrings, type Strings, stringsFor } from './strings.js';
import type { TemplateName } from './templates.js';

export interface OutboxRecord {
  id: number;
  event: OutboxEvent;
  ticket_id: number | null;
  actor_id: number | null;
  payload: Record<string, unknown>;
  /** The ticket and follow-up the event is about, loaded with the row. */
  ticket: TicketView | null;
  followup_body: string | null;
  /** Requester, assignee and actor, when they exist. */
  people: UserRow[];
  /** What earlier attempts recorded for this row, by recipient. */
  deliveries: Map<string, PastDelivery>;
}

export interface PastDelivery {
  status: 'sending' | 'sent' | 'failed' | 'bounced';
  messageId: string;
}

/** Everything needed to render and address one recipient's mail. */
export interface MailPlan {
  template: TemplateName;
  lang: string;
  subject: string;
  fromName: string;
  ticketId: number | null;
  inReplyTo: string | null;
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

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  language: string;
  active: boolean;
  bounced_at: Date | null;
  password_hash: string | null;
}

export interface TicketView {
  id: number;
  title: string;
  status: string;
  type: string;
  category: string;
  description: string;
  solution: string | null;
  resolved_at: Date | null;
  requester_id: number;
  assignee_id: number | null;
  service_name: string | null;
}

const USER_COLUMNS = ['id', 'email', 'name', 'role', 'language', 'active', 'bounced_at', 'password_hash'];

const person = (u: UserRow): Person => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  language: u.language,
  role: u.role,
  bouncedAt: u.bounced_at,
});

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function summary(tr: Strings, rows: [string, string][]): { html: string; text: string } {
  const shown = rows.filter(([, v]) => v);
  return {
    html: `<table role="presentation">${shown
      .map(
        ([k, v]) =>
          `<tr><td style="${LABEL_STYLE}">${escapeHtml(String(tr(`mail:summary.${k}`)))}</td><td style="${VALUE_STYLE}"><strong>${escapeHtml(v)}</strong></td></tr>`,
      )
      .join('')}</table>`,
    text: shown.map(([k, v]) => `${String(tr(`mail:summary.${k}`))}: ${v}`).join('\n'),
  };
}

const WHO = ['req', 'asg', 'act'] as const;

/** The query text for a `where` on `o`, built once: no need to compile the same 40-column join for every job. */
const buildLoadSql = (db: Db, where: string): string =>
  db('outbox as o')
    .leftJoin('tickets as t', 't.id', 'o.ticket_id')
    .leftJoin('services as s', 's.id', 't.service_id')
    .leftJoin('followups as f', function () {
      this.on('f.ticket_id', 'o.ticket_id').andOn(
        'f.id',
        db.raw(
          "case when jsonb_typeof(o.payload->'followupId') = 'number' then (o.payload->>'followupId')::bigint end",
        ),
      );
    })
    .leftJoin('users as req', 'req.id', 't.requester_id')
    .leftJoin('users as asg', 'asg.id', 't.assignee_id')
    .leftJoin('users as act', 'act.id', 'o.actor_id')
    .whereRaw(where)
    .select(
      'o.id',
      'o.event',
      'o.ticket_id',
      'o.actor_id',
      'o.payload',
      't.title',
      't.status',
      't.type',
      't.category',
      't.description',
      't.solution',
      't.resolved_at',
      't.requester_id',
      't.assignee_id',
      's.name as service_name',
      'f.body as followup_body',
      ...WHO.flatMap((w) => USER_COLUMNS.map((c) => `${w}.${c} as ${w}_${c}`)),
      db.raw(
        `(select jsonb_object_agg(d.recipient, jsonb_build_array(d.status, d.message_id))
          from deliveries d where d.outbox_id = o.id) as deliveries`,
      ),
    )
    .toSQL().sql;

let byIdSql: string | null = null;
let byBatchSql: string | null = null;

/** An outbox row with its ticket, follow-up and earlier deliveries, in one query. */
export async function loadOutbox(db: Db, id: number): Promise<OutboxRecord | null> {
  byIdSql ??= buildLoadSql(db, 'o.id = ?');
  const rows: Record<string, unknown>[] = (await db.raw(byIdSql, [id])).rows;
  return rows[0] ? outboxRecord(rows[0]) : null;
}

/** The rows of a batch not done yet, as loadOutbox loads them, in one query. */
export async function loadBatch(db: Db, batch: number): Promise<OutboxRecord[]> {
  byBatchSql ??= buildLoadSql(db, 'o.batch = ? and o.done_at is null');
  const rows: Record<string, unknown>[] = (await db.raw(byBatchSql, [batch])).rows;
  return rows.map(outboxRecord);
}

function outboxRecord(r: Record<string, unknown>): OutboxRecord {
  const people: UserRow[] = [];
  for (const w of WHO) {
    if (r[`${w}_id`] == null) continue;
    people.push(Object.fromEntries(USER_COLUMNS.map((c) => [c, r[`${w}_${c}`]])) as unknown as UserRow);
  }
  const ticketId = r.ticket_id as number | null;
  return {
    id: r.id as number,
    event: r.event as OutboxEvent,
    ticket_id: ticketId,
    actor_id: r.actor_id as number | null,
    payload: r.payload as Record<string, unknown>,
    followup_body: r.followup_body as string | null,
    people,
    deliveries: new Map(
      Object.entries((r.deliveries ?? {}) as Record<string, [PastDelivery['status'], string]>).map(
        ([recipient, [status, messageId]]) => [recipient, { status, messageId }],
      ),
    ),
    ticket:
      ticketId && r.title != null
        ? {
            id: ticketId,
            title: r.title as string,
            status: r.status as string,
            type: r.type as string,
            category: r.category as string,
            description: r.description as string,
            solution: r.solution as string | null,
            resolved_at: r.resolved_at as Date | null,
            requester_id: r.requester_id as number,
            assignee_id: r.assignee_id as number | null,
            service_name: r.service_name as string | null,
          }
        : null,
  };
}

/**
 * Loads what an outbox row is about and lists its mails. Pure reads: nothing is written until a mail's
 * plan() is called by the sender.
 */
export async function planMails(db: Db, config: Config, row: OutboxRecord): Promise<PlannedMail[]> {
  const p = row.payload;
  const link = urls(config.PUBLIC_URL);
  const users = async (ids: (number | null | undefined)[]): Promise<Map<number, UserRow>> => {
    const wanted = [...new Set(ids.filter((i): i is number => typeof i === 'number'))];
    const rows: UserRow[] = wanted.length ? await db('users').whereIn('id', wanted).select(USER_COLUMNS) : [];
    return new Map(rows.map((u) => [u.id, u]));
  };
  const base = (lang: string) => ({
    t: mailStrings(lang),
    lang,
    company: config.COMPANY_NAME,
    loginUrl: link.login(),
  });

  if (row.event.startsWith('account.')) {
    const userId = num(p.userId);
    const byId = await users([userId, row.actor_id]);
    const u = userId !== null ? byId.get(userId) : undefined;
    if (!u?.active) return [];
    const target: Person =
      row.event === 'account.email_change'
        ? { ...person(u), email: str(p.newEmail), bouncedAt: null }
        : row.event === 'account.email_changed'
          ? { ...person(u), email: str(p.oldEmail), bouncedAt: null }
          : person(u);
    if (!target.email) return [];
    const recipients = resolveRecipients(row.event, {
      facts: { payload: p, actorIsStaff: false },
      actorId: row.actor_id,
      notifySelf: config.NOTIFY_SELF,
      resolve: (to) => (to === 'account' || to === 'new-email' || to === 'old-email' ? [target] : []),
    });
    return recipients.map((r) => ({
      recipient: r,
      replyToken: null,
      async plan() {
        const tr = stringsFor(r.language);
        const data: Record<string, unknown> = { ...base(r.language), name: u.name, email: u.email };
        let subjectKey = 'invited.subject';
        if (r.template === 'account-invited') {
          // At send time: the mailed password is the one that works, and must be changed at first login.
          const password = generatePassword();
          await db('users')
            .where({ id: u.id })
            .update({
              password_hash: await hashPassword(password),
              must_change_password: true,
              updated_at: new Date(),
            });
          data.password = password;
        } else if (r.template === 'password-reset') {
          subjectKey = 'reset.subject';
          data.resetUrl = link.resetPassword(resetToken(config.SECRET, u));
        } else if (r.template === 'email-change') {
          subjectKey = 'emailChange.subject';
          // The address has not been confirmed: nothing its requester wrote (her name) goes into this mail.
          data.name = target.email;
          data.newEmail = target.email;
          data.confirmUrl = link.confirmEmail(emailChangeToken(config.SECRET, u, target.email));
        } else {
          subjectKey = 'emailChanged.subject';
          data.newEmail = str(p.newEmail);
          data.undoUrl = link.undoEmail(emailUndoToken(config.SECRET, u.id, target.email, str(p.newEmail)));
        }
        const subject = String(tr(`mail:${subjectKey}`, { company: config.COMPANY_NAME }));
        return {
          template: r.template,
          lang: r.language,
          subject,
          fromName: config.SUPPORT_NAME,
          ticketId: null,
          inReplyTo: null,
          references: [],
          data: { ...data, subject, preview: subject, replyHint: 'noReplyHint' },
        };
      },
    }));
  }

  const ticket = row.ticket;

  if (row.event.startsWith('mail.')) {
    const to = str(p.to);
    if (!to) return [];
    const userId = num(p.userId);
    const byId = await users([userId]);
    const u = userId !== null ? byId.get(userId) : undefined;
    const language = str(p.language) || u?.language || config.DEFAULT_LANGUAGE;
    const sender: Person = {
      userId: u?.id ?? null,
      email: to,
      name: str(p.name) || u?.name || to,
      language,
      role: u?.role ?? 'external',
      bouncedAt: null,
    };
    const recipients = resolveRecipients(row.event, {
      facts: { payload: p, actorIsStaff: false },
      actorId: row.actor_id,
      notifySelf: config.NOTIFY_SELF,
      resolve: (a) => (a === 'mail-sender' ? [sender] : []),
    });
    return recipients.map((r) => ({
      recipient: r,
      replyToken: ticket && u ? { ticketId: ticket.id, userId: u.id } : null,
      async plan() {
        const tr = stringsFor(r.language);
        const original = stripSubjectPrefixes(str(p.subject)) || String(tr('mail:noSubject'));
        const ref = ticket ? formatReference(config.TICKET_PREFIX, ticket.id) : '';
        const subject = ticket ? `[${ref}] ${ticket.title}` : `Re: ${original}`;
        const files = Array.isArray(p.files) ? (p.files as { name?: unknown; size?: unknown }[]) : [];
        const fileLines = files.map((f) => `${str(f.name)} (${formatBytes(num(f.size) ?? 0)})`);
        const limit = formatBytes(num(p.limit) ?? config.MAIL_MAX_MESSAGE_BYTES);
        const inbound = str(p.inReplyTo) || null;
        return {
          template: r.template,
          lang: r.language,
          subject,
          fromName: config.SUPPORT_NAME,
          ticketId: ticket?.id ?? null,
          inReplyTo: inbound,
          references: inbound ? [inbound] : [],
          data: {
            ...base(r.language),
            subject,
            preview: subject,
            name: r.name,
            email: r.email,
            originalSubject: original,
            reason: str(p.reason),
            limit,
            ref,
            ticketUrl: ticket && u ? link.ticket(ticket.id) : '',
            files_html: `<ul>${fileLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
            files_text: fileLines.map((l) => `- ${l}`).join('\n'),
            replyHint: 'noReplyHint',
          },
        };
      },
    }));
  }

  if (!ticket) return [];
  const byId = new Map(row.people.map((u) => [u.id, u]));
  const actor = row.actor_id ? byId.get(row.actor_id) : undefined;
  const actorIsStaff = actor?.role === 'agent' || actor?.role === 'admin';
  const active = (u: UserRow | undefined): Person[] => (u?.active ? [person(u)] : []);
  const assignee = active(ticket.assignee_id ? byId.get(ticket.assignee_id) : undefined);
  /** The team when nobody is assigned: the shared mailbox if configured, else every active agent (or admin). */
  const team = async (): Promise<Person[]> => {
    if (config.AGENTS_ADDRESS) {
      const name = stringsFor(config.DEFAULT_LANGUAGE)('mail:team');
      const language = config.DEFAULT_LANGUAGE;
      return [{ userId: null, email: config.AGENTS_ADDRESS, name, language, role: 'team', bouncedAt: null }];
    }
    for (const role of ['agent', 'admin']) {
      const rows: UserRow[] = await db('users')
        .where({ role, active: true })
        .orderBy('id')
        .select(USER_COLUMNS);
      if (rows.length) return rows.map(person);
    }
    return [];
  };
  const facts = { payload: p, actorIsStaff };
  const agents = assignee.length || !audiencesOf(row.event, facts).has('agents') ? assignee : await team();
  const resolve = (to: Audience): Person[] =>
    to === 'requester'
      ? active(byId.get(ticket.requester_id))
      : to === 'assignee'
        ? assignee
        : to === 'agents'
          ? agents
          : [];
  const recipients = resolveRecipients(row.event, {
    facts,
    actorId: row.actor_id,
    notifySelf: config.NOTIFY_SELF,
    resolve,
  });
  const ref = formatReference(config.TICKET_PREFIX, ticket.id);
  const subject = `[${ref}] ${ticket.title}`;
  const requester = byId.get(ticket.requester_id);
  const body =
    row.event === 'ticket.created'
      ? ticket.description
      : (row.followup_body ?? (row.event === 'ticket.resolved' ? (ticket.solution ?? '') : ''));
  return recipients.map((r) => ({
    recipient: r,
    replyToken: r.userId !== null ? { ticketId: ticket.id, userId: r.userId } : null,
    async plan() {
      const tr = stringsFor(r.language);
      const isStaffSide = r.role !== 'customer';
      const status = (s: unknown) => (typeof s === 'string' && s ? String(tr(`status.${s}`)) : '');
      const sum = summary(tr, [
        ['reference', ref],
        ['title', ticket.title],
        ['status', status(ticket.status)],
        ['category', `${String(tr(`type.${ticket.type}`))} · ${String(tr(`category.${ticket.category}`))}`],
        ['service', ticket.service_name ?? ''],
        ['requester', isStaffSide ? (requester?.name ?? '') : ''],
      ]);
      const approval =
        r.userId !== null && ticket.resolved_at
          ? approvalToken(config.SECRET, ticket.id, r.userId, ticket.resolved_at)
          : null;
      return {
        template: r.template,
        lang: r.language,
        subject,
        fromName: actor && actorIsStaff ? `${actor.name} (${config.SUPPORT_NAME})` : config.SUPPORT_NAME,
        ticketId: ticket.id,
        inReplyTo: null,
        references: [],
        data: {
          ...base(r.language),
          subject,
          preview: `${ref} · ${ticket.title}`,
          name: r.name,
          ref,
          title: ticket.title,
          ticketUrl: isStaffSide ? link.agentTicket(ticket.id) : link.ticket(ticket.id),
          actorName: actor?.name ?? config.SUPPORT_NAME,
          requesterName: requester?.name ?? '',
          fromStatus: status(p.fromStatus),
          toStatus: status(p.toStatus ?? ticket.status),
          isPrivate: p.visibility === 'private',
          body_html: textToHtml(body),
          body_text: body.trim(),
          summary_html: sum.html,
          summary_text: sum.text,
          approveUrl: approval ? link.approve(approval) : '',
          refuseUrl: approval ? `${link.approve(approval)}?choice=refuse` : '',
          autoCloseDays: config.AUTO_CLOSE_DAYS,
          replyHint: 'replyHint',
        },
      };
    },
  }));
}
