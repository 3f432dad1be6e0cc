import { z } from 'zod';
import { safeFilename } from '../../app/attachments.js';
import { agentAttachment } from '../../app/queries/agent-ticket.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { AppError } from '../../domain/errors.js';
import { fileOperation, jsonOperation, NO_INPUT, type Operation } from './operation.js';
import { id, ticketState as ticketStateSchema } from './schemas.js';
import { stateAfter } from './ticket-operations.js';

export const attachmentOperations: Operation[] = [
  jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: '/tickets/{id}/attachments',
    scope: 'tickets:write',
    tag: 'Attachments',
    operationId: 'uploadAttachment',
    summary: 'Attach a file to a ticket',
    description:
      'A multipart/form-data body with the `file` part (2 MB at most by default) and an optional text: it is added as a follow-up carrying the file (`visibility: private` keeps both for staff).',
    params: z.object({ id }),
    upload: true,
    body: z.object({
      body: z.string().max(100_000).default(''),
      visibility: z.enum(['public', 'private']).default('public'),
    }),
    problems: [409, 413],
    status: 201,
    response: ticketStateSchema,
    responseText: 'The ticket’s state; `followupId` carries the file.',
    handle: async ({ app, actor, params, body, file, ticketPrefix }) => {
      const { followupId } = await addFollowup(app, actor, {
        ticketId: params.id,
        body: body.body,
        visibility: body.visibility,
        files: file ? [file] : [],
      });
      return stateAfter(app, ticketPrefix, params.id, followupId);
    },
  }),
  fileOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/tickets/{id}/attachments/{attachmentId}',
    scope: 'read',
    tag: 'Attachments',
    operationId: 'downloadAttachment',
    summary: 'Download an attachment',
    params: z.object({ id, attachmentId: z.uuid() }),
    responseText: 'The file as it was received.',
    handle: async ({ app, params }) => {
      const a = await agentAttachment(app.db, params.id, params.attachmentId);
      if (!a) throw new AppError('not_found', 'portal:errors.pageNotFound');
      return { filename: safeFilename(a.filename), data: a.data };
    },
  }),
];
