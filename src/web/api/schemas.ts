import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { TECHNOLOGIES } from '../../domain/incident-scope.js';
import { TICKET_STATUSES } from '../../domain/ticket-status.js';

// `.openapi(name)` makes a schema a named component of the document, referenced wherever it is used.
extendZodWithOpenApi(z);

/**
 * The schemas the API validates its input with and describes its answers by (the OpenAPI document is generated
 * from them). Built once, as module constants. Names in camelCase; times in ISO 8601 (UTC).
 */

/** A row id in a path or query string. */
export const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const idParams = z.object({ id: id.meta({ description: 'The id.' }) });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'Address of the problem type, in the API reference.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum([
      'invalid',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'rate_limited',
      'too_large',
      'internal',
    ]),
    errors: z
      .array(z.object({ field: z.string(), code: z.string(), detail: z.string() }))
      .optional()
      .meta({ description: 'The fields at fault (invalid input).' }),
  })
  .openapi('Problem');

export const ticketStatus = z.enum(TICKET_STATUSES);
const person = z.object({ id: z.number().int(), name: z.string() });

export const ticketSummary = z
  .object({
    id: z.number().int(),
    reference: z.string().meta({ example: 'IZL-000123' }),
    title: z.string(),
    status: ticketStatus,
    type: z.string(),
    category: z.string(),
    urgency: z.string().nullable(),
    priority: z.number().int().meta({ description: '1 (highest) to 5.' }),
    createdAt: z.date(),
    updatedAt: z.date(),
    requester: person,
    companyName: z.string().nullable(),
    assignee: person.nullable(),
    serviceName: z.string().nullable(),
    teamName: z.string().nullable(),
    firstAnswerDueAt: z.date().nullable(),
    firstAnsweredAt: z.date().nullable(),
    resolutionDueAt: z.date().nullable(),
    slaPausedAt: z.date().nullable(),
  })
  .openapi('TicketSummary');

export const ticketPage = z
  .object({
    items: z.array(ticketSummary),
    next: z.string().nullable().meta({ description: 'Cursor of the next page (`after`); null on the last.' }),
  })
  .openapi('TicketPage');

export const attachmentInfo = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    followupId: z.number().int().nullable(),
  })
  .openapi('Attachment');

const timelineFollowup = z.object({
  kind: z.literal('followup'),
  id: z.number().int(),
  at: z.date(),
  followupKind: z.string().meta({ description: 'comment, note, info_request, solution, approval, refusal…' }),
  visibility: z.enum(['public', 'private']),
  body: z.string(),
  source: z.enum(['web', 'email', 'system']),
  authorId: z.number().int().nullable(),
  authorName: z.string().nullable(),
  attachments: z.array(attachmentInfo),
});

const timelineEvent = z.object({
  kind: z.literal('event'),
  id: z.number().int(),
  at: z.date(),
  event: z.string(),
  fromStatus: ticketStatus.nullable(),
  toStatus: ticketStatus.nullable(),
  actorName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const ticketDetail = z
  .object({
    id: z.number().int(),
    reference: z.string(),
    title: z.string(),
    description: z.string(),
    status: ticketStatus,
    type: z.string(),
    category: z.string(),
    urgency: z.string().nullable(),
    priority: z.number().int(),
    source: z.enum(['web', 'email']),
    solution: z.string().nullable(),
    majorIncidentId: z.number().int().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
    requester: person.extend({ email: z.string() }),
    company: person.nullable(),
    serviceId: z.number().int().nullable(),
    assignee: person.nullable(),
    team: person.nullable(),
    attachments: z.array(attachmentInfo).meta({ description: 'Files of the ticket itself.' }),
    timeline: z
      .array(z.discriminatedUnion('kind', [timelineFollowup, timelineEvent]))
      .meta({ description: 'One page of history, oldest first: follow-ups (private notes too) and events.' }),
    earlier: z.number().int().nullable().meta({
      description: 'The `before` value of the earlier page; null when this page reaches the start.',
    }),
  })
  .openapi('Ticket');

/** What a write on a ticket answers: where the ticket stands now. */
export const ticketState = z
  .object({
    id: z.number().int(),
    reference: z.string(),
    status: ticketStatus,
    assigneeId: z.number().int().nullable(),
    majorIncidentId: z.number().int().nullable(),
    followupId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The follow-up the operation wrote, if any.' }),
  })
  .openapi('TicketState');

export const companySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    code: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Company');

export const customerSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    language: z.string(),
    companyId: z.number().int().nullable(),
    isCompanyManager: z.boolean(),
    active: z.boolean(),
  })
  .openapi('Customer');

export const networkSchema = z.object({
  accessNode: z.string().max(100).nullable().optional(),
  zone: z.string().max(100).nullable().optional(),
  exchange: z.string().max(100).nullable().optional(),
  technology: z.enum(TECHNOLOGIES).nullable().optional(),
  postcode: z.string().max(100).nullable().optional(),
});

export const serviceSchema = z
  .object({
    id: z.number().int(),
    companyId: z.number().int(),
    name: z.string(),
    circuitId: z.string().nullable(),
    address: z.string().nullable(),
    active: z.boolean(),
    accessNode: z.string().nullable(),
    zone: z.string().nullable(),
    exchange: z.string().nullable(),
    technology: z.string().nullable(),
    postcode: z.string().nullable(),
  })
  .openapi('Service');
