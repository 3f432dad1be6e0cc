import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tx } from '../db/db.js';
import type { Actor } from '../domain/ticket-status.js';

/**
 * One admin action for the audit log (table audit_log). `action` is `<area>.<verb>` (user.create, team.update,
 * gdpr.erase…). The target is a type and an id; details say what changed (field names, ids, roles), never a
 * person's name, address or phone: an erased customer must leave nothing here but their id.
 */
export interface AuditEntry {
  actor: Actor;
  action: string;
  target?: { type: string; id: number | string } | null;
  details?: Record<string, unknown>;
}

const origin = new AsyncLocalStorage<{ clientAddress: string | null }>();

/**
 * Runs `fn` as work asked from this client address: audit rows written inside it record the address. The web
 * wraps each request in it; work started elsewhere (mail, jobs, the command line) records none.
 */
export const withClientAddress = <T>(clientAddress: string | null, fn: () => T): T =>
  origin.run({ clientAddress }, fn);

/** Appends the entry to the audit log in the caller's transaction: the change and its record commit together. */
export async function recordAudit(trx: Tx, entry: AuditEntry): Promise<void> {
  const clientAddress = origin.getStore()?.clientAddress ?? null;
  const actorId = entry.actor.kind === 'user' ? entry.actor.id : null;
  const actor = actorId === null ? undefined : await trx('users').where({ id: actorId }).first('name');
  await trx('audit_log').insert({
    actor_id: actorId,
    actor_name: actor?.name ?? null,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target ? String(entry.target.id) : null,
    details: JSON.stringify(entry.details ?? {}),
    client_address: clientAddress,
  });
}
