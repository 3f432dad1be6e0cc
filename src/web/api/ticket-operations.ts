import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { linkTicketToIncident, unlinkTicketFromIncident } from '../../app/incidents/link-tickets.js';
import {
  agentQueue,
  isQueueCursor,
  type QueueFilters,
  type QueueRow,
} from '../../app/queries/agent-queue.js';
import { agentTicket } from '../../app/queries/agent-ticket.js';
import { ticketState } from '../../app/queries/api-tickets.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, reopen, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { openTicket } from '../../app/tickets/open-ticket.js';
import { formatReference } from '../../domain/reference.js';
import { TICKET_STATUSES } from '../../domain/ticket-status.js';
import { type Call, jsonOperation, NO_INPUT, type None, type Operation } from './operation.js';
import {
  id,
  idParams,
  ticketDetail,
  ticketPage,
  ticketState as ticketStateSchema,
  type ticketSummary,
} from './schemas.js';

const TAG = 'Tickets';

/** A flag of the query string: `true` or `false`. */
const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

const listQuery = z.object({
  status: z
    .enum([...TICKET_STATUSES, 'open', 'all'])
    .default('open')
    .meta({ description: '`open` (default): every ticket not closed.' }),
  type: z.string().max(60).optional(),
  category: z.string().max(120).optional(),
  urgency: z.string().max(60).optional(),
  serviceId: id.optional(),
  companyId: id.optional(),
  requesterId: id.optional(),
  assigneeId: id.optional(),
  teamId: id.optional(),
  unassigned: flag,
  waiting: flag.meta({ description: 'Only tickets waiting for the customer.' }),
  majorIncidentId: id.optional().meta({ description: 'Only the tickets of this major incident.' }),
  withIncidents: flag.meta({
    description: 'Include tickets linked to a major incident (left out by default, as in the queue).',
  }),
  q: z.string().max(200).optional().meta({ description: 'Full-text search, or a ticket reference.' }),
  sort: z.enum(['priority', 'due']).default('priority'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  after: z
    .string()
    .max(200)
    .refine(isQueueCursor)
    .optional()
    .meta({ description: 'The `next` cursor of the previous page.' }),
});

const summaryOf = (prefix: string, r: QueueRow): z.input<typeof ticketSummary> => ({
  id: r.id,
  reference: formatReference(prefix, r.id),
  title: r.title,
  status: r.status,
  type: r.type,
  category: r.category,
  urgency: r.urgency,
  priority: r.priority,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  requester: { id: r.requester_id, name: r.requester_name },
  companyName: r.company_name,
  assignee: r.assignee_id === null ? null : { id: r.assignee_id, name: r.assignee_name ?? '' },
  serviceName: r.service_name,
  teamName: r.team_name,
  firstAnswerDueAt: r.first_answer_due_at,
  firstAnsweredAt: r.first_answered_at,
  resolutionDueAt: r.resolution_due_at,
  slaPausedAt: r.sla_paused_at,
});

/** What a ticket write answers: the ticket's state, read on the write's own transaction. */
export async function stateAfter(
  app: AppContext,
  prefix: string,
  ticketId: number,
  followupId: number | null = null,
): Promise<z.input<typeof ticketStateSchema>> {
  const t = await ticketState(app.db, ticketId);
  return {
    id: t.id,
    reference: formatReference(prefix, t.id),
    status: t.status,
    assigneeId: t.assignee_id,
    majorIncidentId: t.major_incident_id,
    followupId,
  };
}

const bodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(100_000);

const createBody = z.strictObject({
  requesterId: bodyId.meta({ description: 'The customer the ticket is for: it is their request.' }),
  type: z.string().max(60).meta({ example: 'incident' }),
  category: z.string().max(120).meta({ example: 'total_outage' }),
  urgency: z.string().max(60).nullable().optional(),
  serviceId: bodyId.nullable().optional().meta({ description: 'One of the customer company’s services.' }),
  title: z.string().max(1000),
  description: text,
});

const followupBody = z.strictObject({
  body: text,
  visibility: z
    .enum(['public', 'private'])
    .default('public')
    .meta({ description: '`private`: a note only staff see.' }),
});

/** A status change with the text it needs (`body`, `solution`) or may carry (`comment`). */
const pendingBody = z.strictObject({ body: text.meta({ description: 'The question to the customer.' }) });
const resolveBody = z.strictObject({ solution: text });
const closeBody = z.strictObject({
  reason: z.string().max(200).optional(),
  comment: text.optional().meta({ description: 'A last word to the customer.' }),
});
const reopenBody = z.strictObject({ comment: text.optional() });
const assignBody = z.strictObject({
  assigneeId: bodyId
    .nullable()
    .optional()
    .meta({ description: 'The agent; absent or null: the token’s creator.' }),
});
const incidentBody = z.strictObject({
  majorIncidentId: bodyId
    .nullable()
    .meta({ description: 'An open major incident; null takes the ticket out.' }),
});

/** A write on one ticket: POST /tickets/{id}/<action>, answering the ticket's new state. */
function ticketAction<B extends z.ZodType>(o: {
  action: string;
  operationId: string;
  summary: string;
  description: string;
  body: B;
  run: (call: Call<typeof idParams, None, B>) => Promise<number | null>;
}): Operation {
  return jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: `/tickets/{id}/${o.action}`,
    scope: 'tickets:write',
    tag: TAG,
    operationId: o.operationId,
    summary: o.summary,
    description: o.description,
    params: idParams,
    body: o.body,
    problems: [409],
    status: 200,
    response: ticketStateSchema,
    responseText: 'The ticket’s state after the change.',
    handle: async (call) => stateAfter(call.app, call.ticketPrefix, call.params.id, await o.run(call)),
  });
}

export const ticketOperations: Operation[] = [
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/tickets',
    scope: 'read',
    tag: TAG,
    operationId: 'listTickets',
    summary: 'List tickets',
    description:
      'The agents’ queue with its filters, by priority then age (or by the next SLA due instant with `sort=due`), a page at a time: pass the answer’s `next` as `after` for the next page.',
    query: listQuery,
    status: 200,
    response: ticketPage,
    responseText: 'One page of tickets.',
    handle: async ({ query: q, app, ticketPrefix }) => {
      const filters: QueueFilters = {
        status: q.status,
        type: q.type,
        category: q.category,
        urgency: q.urgency,
        serviceId: q.serviceId,
        companyId: q.companyId,
        requesterId: q.requesterId,
        assigneeId: q.assigneeId,
        unassigned: q.unassigned,
        waiting: q.waiting,
        q: q.q,
        sort: q.sort,
        ...(q.teamId ? { teams: { ids: [q.teamId], orNone: false } } : {}),
        ...(q.majorIncidentId
          ? { majorIncidents: q.majorIncidentId }
          : q.withIncidents
            ? { majorIncidents: true as const }
            : {}),
      };
      const page = await agentQueue(app.db, filters, { limit: q.limit, after: q.after, ticketPrefix });
      return { items: page.rows.map((r) => summaryOf(ticketPrefix, r)), next: page.next };
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: '/tickets',
    scope: 'tickets:write',
    tag: TAG,
    operationId: 'createTicket',
    summary: 'Open a ticket for a customer',
    description:
      'Opens the ticket as the customer’s own request (routing, SLA, acknowledgement mail to the customer), recorded as opened by the token’s creator.',
    body: createBody,
    status: 201,
    response: ticketStateSchema,
    responseText: 'The ticket opened.',
    handle: async ({ body, app, actor, ticketPrefix }) => {
      const { ticketId } = await openTicket(app, actor, {
        requesterId: body.requesterId,
        source: 'web',
        draft: {
          type: body.type,
          category: body.category,
          urgency: body.urgency ?? null,
          serviceId: body.serviceId ?? null,
          title: body.title,
          description: body.description,
        },
      });
      return stateAfter(app, ticketPrefix, ticketId);
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/tickets/{id}',
    scope: 'read',
    tag: TAG,
    operationId: 'getTicket',
    summary: 'Read a ticket with its timeline',
    description: 'The newest page of its history; `before` (the answer’s `earlier`) gives the page before.',
    params: idParams,
    query: z.object({ before: id.optional() }),
    status: 200,
    response: ticketDetail,
    responseText: 'The ticket.',
    handle: async ({ params, query, app, ticketPrefix }) => {
      const v = await agentTicket(app.db, params.id, query.before ?? null);
      const t = v.ticket;
      return {
        id: t.id,
        reference: formatReference(ticketPrefix, t.id),
        title: t.title,
        description: t.description,
        status: t.status,
        type: t.type,
        category: t.category,
        urgency: t.urgency,
        priority: t.priority,
        source: t.source,
        solution: t.solution,
        majorIncidentId: t.major_incident_id,
        createdAt: t.created_at,
        updatedAt: t.updated_at,
        requester: { id: v.requester.id, name: v.requester.name, email: v.requester.email },
        company: v.company ? { id: v.company.id, name: v.company.name } : null,
        serviceId: t.service_id,
        assignee: v.assignee,
        team: v.team,
        attachments: v.attachments,
        timeline: v.timeline.map((e) =>
          e.kind === 'followup'
            ? {
                kind: e.kind,
                id: e.id,
                at: e.at,
                followupKind: e.followupKind,
                visibility: e.visibility,
                body: e.body,
                source: e.source,
                authorId: e.authorId,
                authorName: e.authorName,
                attachments: e.attachments,
              }
            : e,
        ),
        earlier: v.earlier,
      };
    },
  }),
  ticketAction({
    action: 'followups',
    operationId: 'addFollowup',
    summary: 'Add a follow-up or a private note',
    description: 'A public follow-up is mailed to the customer; a private note is for staff only.',
    body: followupBody,
    run: async ({ app, actor, params, body }) =>
      (await addFollowup(app, actor, { ticketId: params.id, body: body.body, visibility: body.visibility }))
        .followupId,
  }),
  ticketAction({
    action: 'pending',
    operationId: 'setPending',
    summary: 'Ask the customer (the ticket waits for them)',
    description: 'The question is mailed to the customer; their answer puts the ticket back to work.',
    body: pendingBody,
    run: async ({ app, actor, params, body }) =>
      (await setPending(app, actor, params.id, { body: body.body })).followupId,
  }),
  ticketAction({
    action: 'resolve',
    operationId: 'resolveTicket',
    summary: 'Resolve with a solution',
    description:
      'The customer is asked to approve the solution; unanswered, the ticket closes after AUTO_CLOSE_DAYS.',
    body: resolveBody,
    run: async ({ app, actor, params, body }) =>
      (await resolve(app, actor, params.id, { body: body.solution })).followupId,
  }),
  ticketAction({
    action: 'close',
    operationId: 'closeTicket',
    summary: 'Close',
    description: 'With an optional last word to the customer.',
    body: closeBody,
    run: async ({ app, actor, params, body }) =>
      (
        await close(app, actor, params.id, {
          ...(body.reason ? { reason: body.reason } : {}),
          ...(body.comment ? { comment: { body: body.comment } } : {}),
        })
      ).followupId,
  }),
  ticketAction({
    action: 'reopen',
    operationId: 'reopenTicket',
    summary: 'Reopen a resolved or closed ticket',
    description: 'It goes back to its agent, or to the queue.',
    body: reopenBody,
    run: async ({ app, actor, params, body }) =>
      (await reopen(app, actor, params.id, body.comment ? { body: body.comment } : undefined)).followupId,
  }),
  ticketAction({
    action: 'assign',
    operationId: 'assignTicket',
    summary: 'Assign to an agent',
    description: 'To the agent named, or to the token’s creator.',
    body: assignBody,
    run: async ({ app, actor, params, body }) => {
      await assign(app, actor, params.id, body.assigneeId ?? undefined);
      return null;
    },
  }),
  ticketAction({
    action: 'incident',
    operationId: 'linkTicketToIncident',
    summary: 'Link to a major incident (or unlink)',
    description: 'A linked ticket leaves the queue and is resolved with its incident.',
    body: incidentBody,
    run: async ({ app, actor, params, body }) => {
      if (body.majorIncidentId === null) await unlinkTicketFromIncident(app, actor, params.id);
      else await linkTicketToIncident(app, actor, params.id, body.majorIncidentId);
      return null;
    },
  }),
];
