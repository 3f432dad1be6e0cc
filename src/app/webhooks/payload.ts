import { formatReference } from '../../domain/reference.js';

/** An outbox row as the fan-out reads it. */
export interface WebhookSource {
  id: number;
  event: string;
  ticket_id: number | null;
  actor_id: number | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface WebhookTicket {
  id: number;
  title: string;
  status: string;
  type: string;
  category: string;
  priority: number;
  requester_id: number;
  company_id: number | null;
  assignee_id: number | null;
  team_id: number | null;
}

export interface WebhookActor {
  id: number;
  name: string;
  role: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A ticket.updated change list, `{ field: [before, after] }`, as `{ field: { from, to } }`. */
function changesOf(v: unknown): Record<string, { from: unknown; to: unknown }> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, pair] of Object.entries(v))
    if (Array.isArray(pair) && pair.length === 2) out[k] = { from: pair[0], to: pair[1] };
  return out;
}

/**
 * The event's own facts, renamed from the outbox's internal payload into the documented, stable names
 * (docs/webhooks.md): an internal field renamed later must not change what receivers get.
 */
function dataOf(p: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {
    from_status: str(p.fromStatus),
    to_status: str(p.toStatus),
    followup_id: num(p.followupId),
    visibility: str(p.visibility),
    source: str(p.source),
    assignee_id: num(p.assigneeId) ?? num(p.routedTo),
    merged_from_id: num(p.mergedFrom),
    changes: changesOf(p.changes),
    incident_id: num(p.incidentId),
    incident_update_id: num(p.updateId),
    endpoint_id: num(p.endpointId),
  };
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

/** The JSON body of one event, the same for every endpoint and every attempt. */
export function webhookBody(
  row: WebhookSource,
  ticket: WebhookTicket | undefined,
  actor: WebhookActor | undefined,
  ticketPrefix: string,
): string {
  return JSON.stringify({
    event: row.event,
    occurred_at: row.created_at.toISOString(),
    ticket: ticket
      ? {
          id: ticket.id,
          reference: formatReference(ticketPrefix, ticket.id),
          title: ticket.title,
          status: ticket.status,
          type: ticket.type,
          category: ticket.category,
          priority: ticket.priority,
          requester_id: ticket.requester_id,
          company_id: ticket.company_id,
          assignee_id: ticket.assignee_id,
          team_id: ticket.team_id,
        }
      : null,
    actor: actor ? { id: actor.id, name: actor.name, role: actor.role } : null,
    data: dataOf(row.payload),
  });
}
