import type { Knex } from 'knex';
import type { Tx } from '../../db/db.js';
import {
  ERASED_TEXT,
  erasedEmail,
  erasedName,
  isErasedEmail,
  type PersonalData,
  personalDataScrubber,
  scrubJson,
} from '../../domain/erasure.js';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { requireAdmin } from '../agent/guards.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { knownAddresses } from '../queries/customer-export.js';

export interface ErasureReport {
  tickets: number;
  attachments: number;
  rawMails: number;
  deliveries: number;
}

type Scrub = (text: string) => string;
type Row = Record<string, unknown>;

/** Which rows: a condition in SQL and its bindings. */
interface Rows {
  sql: string;
  bindings: Knex.RawBinding[];
}

/**
 * Rewrites text columns of the selected rows through `scrub`, row by row, writing only what changed. The table
 * and column names are this module's constants, never input.
 */
async function scrubColumns(
  trx: Tx,
  table: 'tickets' | 'followups' | 'inbound_mails' | 'outbox' | 'deliveries' | 'companies',
  columns: readonly string[],
  rows: Rows,
  scrubOf: (row: Row) => Scrub,
): Promise<void> {
  const { rows: found } = await trx.raw<{ rows: Row[] }>(
    `select * from ${table} where ${rows.sql}`,
    rows.bindings,
  );
  for (const row of found) {
    const scrub = scrubOf(row);
    const changes: [string, string][] = [];
    for (const c of columns) {
      const v = row[c];
      if (typeof v === 'string' && scrub(v) !== v) changes.push([c, scrub(v)]);
    }
    if (changes.length)
      await trx.raw(`update ${table} set ${changes.map(([c]) => `${c} = ?`).join(', ')} where id = ?`, [
        ...changes.map(([, v]) => v),
        Number(row.id),
      ]);
  }
}

/** The same for one jsonb column: every string inside it. */
async function scrubJsonColumn(
  trx: Tx,
  table: 'ticket_events' | 'inbound_mails' | 'outbox' | 'audit_log',
  column: 'data' | 'details' | 'payload',
  rows: Rows,
  scrubOf: (row: Row) => Scrub,
): Promise<void> {
  const { rows: found } = await trx.raw<{ rows: Row[] }>(
    `select * from ${table} where ${rows.sql}`,
    rows.bindings,
  );
  for (const row of found) {
    const after = JSON.stringify(scrubJson(row[column], scrubOf(row)));
    if (after !== JSON.stringify(row[column]))
      await trx.raw(`update ${table} set ${column} = ?::jsonb where id = ?`, [after, Number(row.id)]);
  }
}

/**
 * Erases a customer's personal data (GDPR art. 17), admins only, after typing the customer's address. In one
 * transaction:
 * - the account: name "Usuario eliminado #id", a unique address on the `.invalid` domain, no phone, no usable
 *   password, inactive, sessions and sign-in tokens dropped;
 * - what they wrote: their tickets' title and description and their follow-ups become "[eliminado]"; their
 *   satisfaction comments go; what others wrote on their tickets keeps its text with every mention of them
 *   (name or any word of it, address, phone) replaced, as do other tickets whose search finds their name or
 *   address, the tickets' history, mail records, outbox payloads, deliveries and the audit log;
 * - their files: the attachments of their tickets and those they uploaded anywhere, and the raw bytes of their
 *   mails (from their addresses, or on their tickets);
 * - mails still waiting to be sent to them are dropped; the search vectors of the tickets touched are rebuilt.
 * Tickets stay with their type, category, service, status, team, agent and every date: reports and SLA figures
 * do not change. The audit row names the user by id only.
 */
export async function eraseCustomer(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  input: { confirmEmail: string },
): Promise<ErasureReport> {
  requireAdmin(actor);
  return ctx.db.transaction(async (trx) => {
    const u = await trx('users').where({ id: userId }).forUpdate().first();
    if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
    if (u.role !== 'customer') throw new AppError('conflict', 'gdpr:onlyCustomers');
    if (isErasedEmail(u.email)) throw new AppError('conflict', 'gdpr:erase.already');
    if (input.confirmEmail.trim().toLowerCase() !== u.email.toLowerCase())
      throw new AppError('invalid', 'validation.fixFields', {
        fields: { confirmEmail: 'gdpr:erase.confirmMismatch' },
      });

    const addresses = await knownAddresses(trx, userId, u.email);
    const person: PersonalData = { name: u.name, addresses, phones: u.phone ? [u.phone] : [] };
    const strict = personalDataScrubber(person, { nameWords: false });
    const wide = personalDataScrubber(person, { nameWords: true });
    const own: number[] = (await trx('tickets').where({ requester_id: userId }).select('id')).map(
      (r) => r.id,
    );
    // Other tickets that mention them, found by the search index (their name as a phrase, or an address), then
    // checked by the scrubber.
    const mentioned: number[] = [];
    for (const needle of [u.name, ...addresses]) {
      const rows = await trx('tickets')
        .whereRaw("search @@ phraseto_tsquery('simple'::regconfig, izd_unaccent(?))", [needle])
        .whereNot({ requester_id: userId })
        .select('id');
      for (const r of rows) if (!mentioned.includes(r.id)) mentioned.push(r.id);
    }
    const touched = [...own, ...mentioned];
    const ownSet = new Set(own);
    const byTicket = (row: Row) => (ownSet.has(Number(row.ticket_id)) ? wide : strict);

    // What they wrote, anywhere; what others wrote on the tickets touched.
    await trx('followups').where({ author_id: userId }).update({ body: ERASED_TEXT, body_html: null });
    await scrubColumns(
      trx,
      'followups',
      ['body', 'body_html'],
      { sql: 'ticket_id = any(?) and author_id is distinct from ?', bindings: [touched, userId] },
      byTicket,
    );
    await trx('tickets')
      .whereRaw('id = any(?)', [own])
      .update({ title: ERASED_TEXT, description: ERASED_TEXT });
    await scrubColumns(
      trx,
      'tickets',
      ['title', 'description', 'solution'],
      { sql: 'id = any(?)', bindings: [touched] },
      (row) => (ownSet.has(Number(row.id)) ? wide : strict),
    );
    await trx('satisfaction')
      .where((q) => q.whereRaw('ticket_id = any(?)', [own]).orWhere({ user_id: userId }))
      .update({ comment: null });
    await scrubJsonColumn(
      trx,
      'ticket_events',
      'data',
      { sql: 'ticket_id = any(?) or actor_id = ?', bindings: [touched, userId] },
      byTicket,
    );

    // Files, and their mails: the raw bytes go; the record (what, when, outcome) stays, without them in it.
    const attachments = await trx('attachments')
      .whereRaw('ticket_id = any(?)', [own])
      .orWhere({ uploaded_by: userId })
      .delete();
    const fromThem = { sql: 'lower(from_address) = any(?)', bindings: [addresses] };
    // Their placeholder address too: it is what their records carry once their own address is replaced below.
    const theirMails = {
      sql: `lower(from_address) = any(?) or ticket_id = any(?)
            or followup_id in (select id from followups where author_id = ?)`,
      bindings: [[...addresses, erasedEmail(userId)], own, userId],
    };
    const rawMails = (
      await trx.raw<{ rowCount: number }>(
        `update inbound_mails set raw = null where raw is not null and (${theirMails.sql})`,
        theirMails.bindings,
      )
    ).rowCount;
    // A held message of theirs cannot be released any more: its bytes are gone.
    await trx.raw(
      `update inbound_mails set quarantine_state = 'discarded'
        where quarantine_state in ('held', 'releasing') and (${theirMails.sql})`,
      theirMails.bindings,
    );
    await trx.raw(`update inbound_mails set from_address = ?, subject = ? where ${fromThem.sql}`, [
      erasedEmail(userId),
      ERASED_TEXT,
      ...fromThem.bindings,
    ]);
    await scrubColumns(trx, 'inbound_mails', ['subject'], theirMails, () => wide);
    await scrubJsonColumn(trx, 'inbound_mails', 'details', theirMails, () => wide);

    // Mail to them: what waits to be sent to them is dropped; every payload and delivery record is scrubbed.
    await trx.raw(
      `update outbox set done_at = now(), last_error = 'erased (GDPR)'
        where done_at is null and (event like 'account.%' or event like 'mail.%')
          and (payload->>'userId' = ? or lower(payload->>'to') = any(?))`,
      [String(userId), addresses],
    );
    const outboxAboutThem = {
      sql: `ticket_id = any(?) or actor_id = ? or payload->>'userId' = ? or lower(payload->>'to') = any(?)
            or (event = 'quarantine.digest' and payload::text ilike any(?))`,
      bindings: [
        touched,
        userId,
        String(userId),
        addresses,
        addresses.map((a) => `%${a.replace(/[\\%_]/g, '\\$&')}%`),
      ],
    };
    // A digest lists others' mails too: only their full name or address is them there.
    const outboxScrub = (row: Row) =>
      row.event !== 'quarantine.digest' && (row.ticket_id === null || ownSet.has(Number(row.ticket_id)))
        ? wide
        : strict;
    await scrubJsonColumn(trx, 'outbox', 'payload', outboxAboutThem, outboxScrub);
    await scrubColumns(trx, 'outbox', ['last_error'], outboxAboutThem, outboxScrub);
    // One address per delivery: (outbox_id, recipient) is unique, and a mail may have gone to two of theirs.
    const deliveries = (
      await trx.raw<{ rowCount: number }>(
        `update deliveries set recipient = 'erased-' || ?::text || '-' || id || '@erased.invalid'
          where user_id = ? or lower(recipient) = any(?)`,
        [userId, userId, addresses],
      )
    ).rowCount;
    await scrubColumns(
      trx,
      'deliveries',
      ['error'],
      { sql: 'user_id = ? or recipient like ?', bindings: [userId, `erased-${userId}-%`] },
      () => wide,
    );

    // Their company's name when it names them (a sole trader, or a company named after their address).
    await scrubColumns(
      trx,
      'companies',
      ['name', 'code'],
      { sql: 'id = ?', bindings: [u.company_id] },
      () => strict,
    );
    await trx('audit_log')
      .where({ actor_id: userId })
      .update({ actor_name: erasedName(userId) });
    await scrubJsonColumn(
      trx,
      'audit_log',
      'details',
      { sql: "(target_type = 'user' and target_id = ?) or actor_id = ?", bindings: [String(userId), userId] },
      () => strict,
    );
    await trx('sessions').where({ user_id: userId }).delete();
    await trx('auth_tokens').where({ user_id: userId }).delete();
    await trx('users')
      .where({ id: userId })
      .update({
        name: erasedName(userId),
        email: erasedEmail(userId),
        phone: null,
        password_hash: null,
        must_change_password: false,
        active: false,
        is_company_manager: false,
        email_verified_at: null,
        bounced_at: null,
        bounce_reason: null,
        notify_self: null,
        updated_at: new Date(),
      });
    // Setting the title (to itself) runs the search trigger, which rebuilds each vector from the rows as they are now.
    await trx.raw('update tickets set title = title where id = any(?)', [touched]);

    const report = { tickets: own.length, attachments, rawMails, deliveries };
    await recordAudit(trx, {
      actor,
      action: 'gdpr.erase',
      target: { type: 'user', id: userId },
      details: report,
    });
    return report;
  });
}
