import type { Db } from '../../db/db.js';
import type { CannedAnswerRow } from '../../db/tables.js';
import { renderCannedAnswer } from '../../domain/canned-answer.js';
import { formatReference } from '../../domain/reference.js';

export type CannedAnswer = Pick<
  CannedAnswerRow,
  'id' | 'name' | 'language' | 'title' | 'body' | 'action' | 'owner_id' | 'active'
>;
const COLUMNS = ['id', 'name', 'language', 'title', 'body', 'action', 'owner_id', 'active'] as const;

/** The answers an agent may use: the shared ones and their own (shared first, then by name and language). */
export const usableCannedAnswers = (db: Db, userId: number, o: { activeOnly?: boolean } = {}) =>
  db('canned_answers')
    .where((q) => q.whereNull('owner_id').orWhere({ owner_id: userId }))
    .modify((q) => {
      if (o.activeOnly) q.where({ active: true });
    })
    .orderByRaw('owner_id is not null, lower(name), language')
    .select<CannedAnswer[]>(COLUMNS);

/** One answer the agent may see (shared or their own), or undefined. */
export const usableCannedAnswer = (db: Db, userId: number, id: number) =>
  db('canned_answers')
    .where({ id })
    .where((q) => q.whereNull('owner_id').orWhere({ owner_id: userId }))
    .first<CannedAnswer | undefined>(COLUMNS);

export interface RenderedCanned {
  answer: CannedAnswer;
  /** The body with this ticket's values, plain text. */
  text: string;
}

/**
 * A canned answer rendered for a ticket, in the requester's language: among the active answers of that name the
 * agent may use (their own before a shared one), the requester's language, else Spanish, else the one picked
 * on the page, else any. Undefined when there is none of that name.
 */
export async function cannedForTicket(
  db: Db,
  o: { ticketId: number; ticketPrefix: string; agentId: number } & ({ id: number } | { name: string }),
): Promise<RenderedCanned | undefined> {
  const picked = 'id' in o ? await usableCannedAnswer(db, o.agentId, o.id) : undefined;
  const name = 'name' in o ? o.name : picked?.name;
  if (!name) return undefined;
  const t = await db('tickets as t')
    .join('users as u', 'u.id', 't.requester_id')
    .leftJoin('services as s', 's.id', 't.service_id')
    .where('t.id', o.ticketId)
    .first<{ customer: string; language: string; service: string | null; circuit: string | null }>(
      'u.name as customer',
      'u.language',
      's.name as service',
      's.circuit_id as circuit',
    );
  const agent = await db('users').where({ id: o.agentId }).first('name');
  if (!t || !agent) return undefined;
  const candidates = await db('canned_answers')
    .whereRaw('lower(name) = lower(?)', [name])
    .where({ active: true })
    .where((q) => q.whereNull('owner_id').orWhere({ owner_id: o.agentId }))
    .select<CannedAnswer[]>(COLUMNS);
  const rank = (a: CannedAnswer) =>
    (a.language === t.language ? 0 : a.language === 'es' ? 2 : a.id === picked?.id ? 4 : 6) +
    (a.owner_id === null ? 1 : 0);
  const answer = candidates.sort((a, b) => rank(a) - rank(b))[0];
  if (!answer) return undefined;
  const text = renderCannedAnswer(answer.body, {
    customer_name: t.customer,
    reference: formatReference(o.ticketPrefix, o.ticketId),
    service: t.service ? (t.circuit ? `${t.service} (${t.circuit})` : t.service) : null,
    agent_name: agent.name,
  });
  return { answer, text };
}
