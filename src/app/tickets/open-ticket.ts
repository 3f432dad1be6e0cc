import { priorityOf, type TicketDraft, validateDraft } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import { type Actor, isStaff } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { storeAttachments, type UploadedFile } from '../attachments.js';
import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';

export interface OpenTicketInput {
  draft: TicketDraft;
  /** Staff may open a ticket for a customer; customers always open their own. */
  requesterId?: number;
  files?: readonly UploadedFile[];
  source?: 'web' | 'email';
  inboundMailId?: number | null;
}

export interface OpenedTicket {
  ticketId: number;
}

export async function openTicket(
  ctx: AppContext,
  actor: Actor,
  input: OpenTicketInput,
): Promise<OpenedTicket> {
  const source = input.source ?? 'web';
  let requesterId: number;
  if (actor.kind === 'user' && !isStaff(actor)) requesterId = actor.id;
  else if (input.requesterId) requesterId = input.requesterId;
  else
    throw new AppError('invalid', 'validation.requesterRequired', {
      fields: { requesterId: 'validation.requesterRequired' },
    });

  return ctx.db.transaction(async (trx) => {
    const requester = await trx('users').where({ id: requesterId, active: true }).first('id', 'company_id');
    if (!requester) throw new AppError('invalid', 'validation.requesterRequired');
    const services: { id: number }[] = requester.company_id
      ? await trx('services').where({ company_id: requester.company_id, active: true }).select('id')
      : [];
    const valid = validateDraft(ctx.catalog, input.draft, {
      allowedServiceIds: services.map((s) => s.id),
      requireService: source === 'web',
    });
    const [row] = await trx('tickets')
      .insert({
        type: valid.type,
        category: valid.category,
        urgency: valid.urgency,
        service_id: valid.serviceId,
        priority: priorityOf(valid.urgency),
        title: valid.title,
        description: valid.description,
        status: 'new',
        requester_id: requesterId,
        company_id: requester.company_id,
        source,
      })
      .returning('id');
    const ticketId = row.id as number;
    const by = actorId(actor);
    if (input.files?.length) {
      await storeAttachments(trx, ctx.catalog, input.files, {
        ticketId,
        followupId: null,
        uploadedBy: by ?? requesterId,
      });
    }
    await recordHistory(trx, {
      ticketId,
      actorId: by,
      kind: 'created',
      toStatus: 'new',
      data: { source, inboundMailId: input.inboundMailId ?? null },
    });
    await writeOutbox(trx, [{ event: 'ticket.created', ticketId, actorId: by, payload: { source } }]);
    return { ticketId };
  });
}
