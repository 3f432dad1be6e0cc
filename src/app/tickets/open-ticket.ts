import type { Tx } from '../../db/db.js';
import type { MailboxRow } from '../../db/tables.js';
import { checkAttachmentSize, priorityOf, type TicketDraft, validateDraft } from '../../domain/catalog.js';
import type { Classification } from '../../domain/classify.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { type Actor, isStaff } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { storeAttachmentSets, type UploadedFile } from '../attachments.js';
import { type AppContext, nowOf } from '../context.js';
import { type HistoryRow, recordHistories } from '../history.js';
import { matchOutages } from '../incidents/linked.js';
import { type OutboxRow, writeOutbox } from '../outbox.js';
import { type RoutedTicket, routeNewTickets } from '../routing.js';
import { startClocks, startedData, stoppedAtBirth } from '../sla/clocks.js';
import { linkTickets } from '../ticket-links.js';

export interface OpenTicketInput {
  draft: TicketDraft;
  /** Staff may open a ticket for a customer; customers always open their own. */
  requesterId?: number;
  files?: readonly UploadedFile[];
  source?: 'web' | 'email';
  inboundMailId?: number | null;
  /** A ticket of the same customer (or company) this one follows on from, e.g. a closed one that recurs. */
  relatedTicketId?: number | null;
  /** A mailed ticket classified by the catalog's keyword rules (or its defaults): shown as automatic in history. */
  autoClassified?: Classification['rule'] | 'default';
  /**
   * The closed ticket this one continues (a reply to it by mail): linked both ways and named in the mail to the
   * requester. Ignored unless the requester may see that ticket.
   */
  follows?: number;
  /**
   * The support address (lower case) a mailed ticket was written to, which routing rules may test. A known mailbox
   * (table `mailboxes`) is kept on the ticket, so that its mails go out from that address, and gives the ticket its
   * default team when no rule sets one.
   */
  receivedAt?: string;
}

export interface OpenedTicket {
  ticketId: number;
}

export interface OpenTicketRequest {
  actor: Actor;
  input: OpenTicketInput;
}

export type OpenTicketResult = ({ ok: true } & OpenedTicket) | { ok: false; error: AppError };

export async function openTicket(
  ctx: AppContext,
  actor: Actor,
  input: OpenTicketInput,
): Promise<OpenedTicket> {
  const [r] = await openTickets(ctx, [{ actor, input }]);
  if (!r) throw new Error('openTickets returned no result');
  if (!r.ok) throw r.error;
  return { ticketId: r.ticketId };
}

function requesterOf(actor: Actor, input: OpenTicketInput): number {
  if (actor.kind === 'user' && !isStaff(actor)) return actor.id;
  if (input.requesterId) return input.requesterId;
  throw new AppError('invalid', 'validation.requesterRequired', {
    fields: { requesterId: 'validation.requesterRequired' },
  });
}

/** An AppError becomes that request's refusal; anything else is a fault of the whole call. */
function refusal(err: unknown): { ok: false; error: AppError } {
  if (isAppError(err)) return { ok: false, error: err };
  throw err;
}

/**
 * Opens several tickets with one statement per table (the ingest's group commit). Each request is checked on its
 * own before anything is written: a refused one is reported in its place, the others are opened.
 */
export async function openTickets(
  ctx: AppContext,
  requests: readonly OpenTicketRequest[],
): Promise<OpenTicketResult[]> {
  return ctx.db.transaction(async (trx) => {
    const ids = requests.map((r) => {
      try {
        return requesterOf(r.actor, r.input);
      } catch (err) {
        return refusal(err);
      }
    });
    const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
    const requesters: { id: number; company_id: number | null }[] = wanted.length
      ? await trx('users').whereIn('id', wanted).where({ active: true }).select('id', 'company_id')
      : [];
    const byId = new Map(requesters.map((u) => [u.id, u]));
    const companies = [
      ...new Set(requesters.map((u) => u.company_id).filter((c): c is number => c !== null)),
    ];
    const services: { id: number; company_id: number }[] = companies.length
      ? await trx('services')
          .whereIn('company_id', companies)
          .where({ active: true })
          .select('id', 'company_id')
      : [];
    const relatedIds = [
      ...new Set(requests.flatMap((r) => (r.input.relatedTicketId ? [r.input.relatedTicketId] : []))),
    ];
    const related: { id: number; requester_id: number; company_id: number | null }[] = relatedIds.length
      ? await trx('tickets').whereIn('id', relatedIds).select('id', 'requester_id', 'company_id')
      : [];
    const mailboxes = await mailboxesOf(
      trx,
      requests.flatMap((r) => (r.input.receivedAt ? [r.input.receivedAt] : [])),
    );
    const checked = requests.map((r, i) => {
      const id = ids[i];
      if (id === undefined) throw new Error('one requester per request');
      if (typeof id !== 'number') return id;
      const requester = byId.get(id);
      if (!requester) return refusal(new AppError('invalid', 'validation.requesterRequired'));
      const source = r.input.source ?? 'web';
      try {
        const valid = validateDraft(ctx.catalog, r.input.draft, {
          allowedServiceIds: services.filter((s) => s.company_id === requester.company_id).map((s) => s.id),
          requireService: source === 'web',
        });
        for (const f of r.input.files ?? []) checkAttachmentSize(ctx.catalog, f.data.length);
        checkRelated(r.input.relatedTicketId, requester, related);
        const mailbox = r.input.receivedAt ? mailboxes.get(r.input.receivedAt.toLowerCase()) : undefined;
        const ok: { ok: true } & CheckedRequest = {
          ok: true,
          request: r,
          requester,
          valid,
          source,
          mailbox: mailbox ?? null,
        };
        return ok;
      } catch (err) {
        return refusal(err);
      }
    });
    const accepted = checked.filter((c) => c.ok);
    const ticketOf = accepted.length ? await writeTickets(trx, ctx, accepted) : new Map();
    return checked.map((c) =>
      c.ok ? { ok: true as const, ticketId: ticketOf.get(c.request) as number } : c,
    );
  });
}

/** A related ticket must be the requester's own, or their company's: no linking to someone else's ticket. */
function checkRelated(
  id: number | null | undefined,
  requester: { id: number; company_id: number | null },
  found: readonly { id: number; requester_id: number; company_id: number | null }[],
): void {
  if (!id) return;
  const t = found.find((x) => x.id === id);
  const theirs =
    t &&
    (t.requester_id === requester.id ||
      (requester.company_id !== null && t.company_id === requester.company_id));
  if (!theirs)
    // The form has no field to mark: the message says it.
    throw new AppError('invalid', 'validation.relatedTicketInvalid');
}

interface CheckedRequest {
  request: OpenTicketRequest;
  requester: { id: number; company_id: number | null };
  valid: ReturnType<typeof validateDraft>;
  source: 'web' | 'email';
  /** The active mailbox the mail came to, if it is one of the table's. */
  mailbox: TicketMailbox | null;
}

type TicketMailbox = Pick<MailboxRow, 'id' | 'default_team_id'>;

/** The active mailboxes (table `mailboxes`) of these addresses, by lower-cased address. */
async function mailboxesOf(trx: Tx, addresses: readonly string[]): Promise<Map<string, TicketMailbox>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  if (!wanted.length) return new Map();
  const rows: (TicketMailbox & { address: string })[] = await trx('mailboxes')
    .whereRaw('lower(address) = any(?)', [wanted])
    .where({ active: true })
    .select('id', 'default_team_id', trx.raw('lower(address) as address'));
  return new Map(rows.map(({ address, ...m }) => [address, m]));
}

/** The rows of accepted requests: tickets, files, history and outbox, one statement each. */
async function writeTickets(
  trx: Tx,
  ctx: AppContext,
  accepted: readonly CheckedRequest[],
): Promise<Map<OpenTicketRequest, number>> {
  // The ids are drawn first and written explicitly: the order of a multi-row INSERT … RETURNING is not
  // documented, and every later row (files, history, outbox, the inbound mail) is tied to its ticket by id.
  const drawn = await trx.raw<{ rows: { id: number }[] }>(
    "select nextval(pg_get_serial_sequence('tickets', 'id')) as id from generate_series(1, ?)",
    [accepted.length],
  );
  const ids = drawn.rows.map((r) => Number(r.id));
  // A ticket about a known outage joins its major incident instead of the queue (app/incidents): not routed.
  const outages = await matchOutages(
    trx,
    accepted.map(({ valid, requester }) => ({ ...valid, companyId: requester.company_id })),
  );
  const toRoute = accepted.flatMap((_, i) => (outages[i] ? [] : [i]));
  const routedSome = await routeNewTickets(
    trx,
    ctx.catalog,
    toRoute.map((i) => {
      const { valid, requester, request } = accepted[i] as CheckedRequest;
      return {
        type: valid.type,
        category: valid.category,
        urgency: valid.urgency,
        serviceId: valid.serviceId,
        companyId: requester.company_id,
        receivedAt: request.input.receivedAt ?? null,
      };
    }),
  );
  const routes = accepted.map((_, i) => {
    const k = toRoute.indexOf(i);
    return k < 0 ? null : (routedSome[k] ?? null);
  });
  // The SLA policy is chosen with the urgency the routing left; a ticket of a major incident waits for it.
  const now = nowOf(ctx);
  const started = await startClocks(
    trx,
    accepted.map(({ valid, requester }, i) => ({
      ...valid,
      urgency: routes[i]?.urgency ?? valid.urgency,
      companyId: requester.company_id,
    })),
    now,
  );
  const clocks = started.map((c, i) => (c && outages[i] ? stoppedAtBirth(c, now) : c));
  await trx('tickets').insert(
    accepted.map(({ valid, requester, source, mailbox }, i) => {
      const routed = routes[i];
      const urgency = routed?.urgency ?? valid.urgency;
      return {
        id: ids[i],
        type: valid.type,
        category: valid.category,
        urgency,
        service_id: valid.serviceId,
        priority: priorityOf(urgency),
        title: valid.title,
        description: valid.description,
        // A ticket routed to an agent is born assigned, as `assign` would leave it.
        status: routed?.assigneeId ? 'in_progress' : 'new',
        requester_id: requester.id,
        company_id: requester.company_id,
        team_id: routed?.teamId ?? mailbox?.default_team_id ?? null,
        mailbox_id: mailbox?.id ?? null,
        assignee_id: routed?.assigneeId ?? null,
        major_incident_id: outages[i]?.incidentId ?? null,
        source,
        ...clocks[i],
      };
    }),
  );
  const opened = accepted.map((c, i) => ({
    ...c,
    ticketId: ids[i] as number,
    by: actorId(c.request.actor),
    routed: routes[i] ?? null,
    clock: clocks[i] ?? null,
    outage: outages[i] ?? null,
  }));
  await storeAttachmentSets(
    trx,
    ctx.catalog,
    opened
      .filter((o) => o.request.input.files?.length)
      .map((o) => ({
        files: o.request.input.files ?? [],
        refs: { ticketId: o.ticketId, followupId: null, uploadedBy: o.by ?? o.requester.id },
      })),
  );
  const follows = await followedTickets(trx, opened);
  await linkTickets(
    trx,
    opened.flatMap((o) => {
      const old = follows.get(o.request);
      const related = o.request.input.relatedTicketId;
      return [
        ...(old ? [{ ticketId: o.ticketId, otherTicketId: old, kind: 'follows' as const }] : []),
        ...(related ? [{ ticketId: o.ticketId, otherTicketId: related, kind: 'related' as const }] : []),
      ];
    }),
  );
  await recordHistories(trx, [
    ...opened.map((o, i) => ({
      ticketId: o.ticketId,
      actorId: o.by,
      kind: 'created' as const,
      toStatus: o.routed?.assigneeId ? 'in_progress' : 'new',
      data: {
        ...startedData(clocks[i] ?? null, Boolean(o.outage)),
        ...(o.routed ? { routed: o.routed } : {}),
        source: o.source,
        inboundMailId: o.request.input.inboundMailId ?? null,
        ...(o.request.input.relatedTicketId ? { relatedTicketId: o.request.input.relatedTicketId } : {}),
        ...(o.request.input.autoClassified ? { autoClassified: o.request.input.autoClassified } : {}),
        ...(o.request.input.receivedAt ? { receivedAt: o.request.input.receivedAt } : {}),
        ...(follows.has(o.request) ? { follows: follows.get(o.request) } : {}),
        ...o.outage?.history,
      },
    })),
    ...opened.flatMap((o) => {
      const old = follows.get(o.request);
      const related = o.request.input.relatedTicketId;
      const linked = (ticketId: number, kind: string) => ({
        ticketId,
        actorId: o.by,
        kind: 'linked' as const,
        data: { kind, ticketId: o.ticketId },
      });
      return [
        ...(old ? [linked(old, 'followed_by')] : []),
        ...(related ? [linked(related, 'related_from')] : []),
      ];
    }),
    ...opened.flatMap((o) => routedAssignment(o.ticketId, o.routed).history),
  ]);
  await writeOutbox(trx, [
    ...opened.map((o) => ({
      event: 'ticket.created' as const,
      ticketId: o.ticketId,
      actorId: o.by,
      payload: {
        source: o.source,
        ...(follows.has(o.request) ? { follows: follows.get(o.request) } : {}),
        // The acknowledgement promises the answer by the due instant of this event (an outage's: its estimate).
        ...(o.clock && !o.outage ? { firstAnswerDueAt: o.clock.first_answer_due_at.toISOString() } : {}),
        ...(o.routed?.assigneeId ? { toStatus: 'in_progress', routedTo: o.routed.assigneeId } : {}),
        ...o.outage?.payload,
      },
    })),
    ...opened.flatMap((o) => routedAssignment(o.ticketId, o.routed).outbox),
  ]);
  return new Map(opened.map((o) => [o.request, o.ticketId]));
}

/**
 * The assignment a routing rule made, as `assign` records it but by the system: the history row and the
 * agent's ticket-assigned mail. The ticket was born in progress, so the requester gets no status mail.
 */
function routedAssignment(
  ticketId: number,
  routed: RoutedTicket | null,
): { history: HistoryRow[]; outbox: OutboxRow[] } {
  if (!routed?.assigneeId) return { history: [], outbox: [] };
  const data = { assigneeId: routed.assigneeId, ruleId: routed.ruleId, ruleName: routed.ruleName };
  return {
    history: [
      { ticketId, actorId: null, kind: 'assigned', fromStatus: 'in_progress', toStatus: 'in_progress', data },
    ],
    outbox: [
      {
        event: 'ticket.assigned',
        ticketId,
        actorId: null,
        payload: { fromStatus: 'in_progress', toStatus: 'in_progress', ...data },
      },
    ],
  };
}

/** The `follows` tickets the requester may see (own, or their company's), by request. */
async function followedTickets(
  trx: Tx,
  opened: readonly (CheckedRequest & { ticketId: number })[],
): Promise<Map<OpenTicketRequest, number>> {
  const wanted = opened.filter((o) => o.request.input.follows);
  if (!wanted.length) return new Map();
  const rows: { id: number; requester_id: number; company_id: number | null }[] = await trx('tickets')
    .whereIn(
      'id',
      wanted.map((o) => o.request.input.follows as number),
    )
    .select('id', 'requester_id', 'company_id');
  const out = new Map<OpenTicketRequest, number>();
  for (const o of wanted) {
    const old = rows.find((r) => Number(r.id) === o.request.input.follows);
    const mine =
      old &&
      (old.requester_id === o.requester.id ||
        (old.company_id !== null && old.company_id === o.requester.company_id));
    if (old && mine) out.set(o.request, Number(old.id));
  }
  return out;
}
