import type Router from '@koa/router';
import { z } from 'zod';
import { requesterBounce } from '../../app/accounts/bounces.js';
import { updateTicketClassification } from '../../app/agent/update-ticket.js';
import { safeFilename } from '../../app/attachments.js';
import { agentAttachment, agentTicket } from '../../app/queries/agent-ticket.js';
import { timelineCursor } from '../../app/queries/ticket-timeline.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, reopen, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { mergeTicket } from '../../app/tickets/merge.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { parseReference } from '../../domain/reference.js';
import type { Actor } from '../../domain/ticket-status.js';
import { field, uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { HTTP_STATUS } from '../errors.js';
import { withFollowupLimit } from '../followup-limit.js';
import { formFromError } from '../forms.js';
import { setFlash } from '../session.js';
import { idParam, intParam, staffActor, staffOnly } from './guard.js';
import { renderAgentTicket, type TicketAction } from './ticket-page.js';

/** The flash to show, and the ticket to go back to when it is not this one (a merge goes to its target). */
type Handler = (
  ctx: WebContext,
  actor: Actor,
  ticketId: number,
) => Promise<string | { flash: string; ticketId: number }>;

/** The form fields each action keeps when re-rendered after an error. */
const FIELDS: Record<TicketAction, string[]> = {
  reply: ['body'],
  note: ['body'],
  ask: ['body'],
  solve: ['body'],
  reopen: ['body'],
  assign: ['assigneeId'],
  classify: ['type', 'category', 'urgency', 'serviceId', 'teamId'],
  close: [],
  merge: ['target'],
};

const files = async (ctx: WebContext) => {
  const f = await uploadedFile(ctx, 'attachment');
  return f ? [f] : [];
};

/** Actions that mail the customer. */
const TO_CUSTOMER = new Set<TicketAction>(['reply', 'ask', 'solve']);

/** Every action goes through its use case; the flash names what happened. */
const ACTIONS: Record<TicketAction, Handler> = {
  reply: async (ctx, actor, id) => {
    const input = { ticketId: id, body: field(ctx, 'body'), files: await files(ctx) };
    await withFollowupLimit(ctx, () => addFollowup(ctx.state.s.app, actor, input));
    return 'agent:flash.replied';
  },
  note: async (ctx, actor, id) => {
    const input = {
      ticketId: id,
      body: field(ctx, 'body'),
      files: await files(ctx),
      visibility: 'private' as const,
    };
    await withFollowupLimit(ctx, () => addFollowup(ctx.state.s.app, actor, input));
    return 'agent:flash.noted';
  },
  ask: async (ctx, actor, id) => {
    await setPending(ctx.state.s.app, actor, id, { body: field(ctx, 'body'), files: await files(ctx) });
    return 'agent:flash.asked';
  },
  solve: async (ctx, actor, id) => {
    await resolve(ctx.state.s.app, actor, id, { body: field(ctx, 'body') });
    return 'agent:flash.solved';
  },
  close: async (ctx, actor, id) => {
    await close(ctx.state.s.app, actor, id);
    return 'agent:flash.closed';
  },
  reopen: async (ctx, actor, id) => {
    await reopen(ctx.state.s.app, actor, id, { body: field(ctx, 'body') });
    return 'agent:flash.reopened';
  },
  assign: async (ctx, actor, id) => {
    const raw = field(ctx, 'assigneeId');
    const target = raw ? intParam(raw) : undefined;
    if (target === null)
      throw new AppError('invalid', 'validation.assigneeInvalid', {
        fields: { assigneeId: 'validation.assigneeInvalid' },
      });
    await assign(ctx.state.s.app, actor, id, target);
    return 'agent:flash.assigned';
  },
  classify: async (ctx, actor, id) => {
    const out = await updateTicketClassification(ctx.state.s.app, actor, id, {
      type: field(ctx, 'type'),
      category: field(ctx, 'category'),
      urgency: field(ctx, 'urgency') || null,
      serviceId: intParam(field(ctx, 'serviceId')),
      teamId: intParam(field(ctx, 'teamId')),
    });
    return out.changed.length ? 'agent:flash.classified' : 'agent:flash.unchanged';
  },
  merge: async (ctx, actor, id) => {
    const input = mergeForm.safeParse({ target: field(ctx, 'target') });
    const raw = input.success ? input.data.target : '';
    const into = parseReference(ctx.state.s.config.TICKET_PREFIX, raw) ?? intParam(raw);
    if (into === null)
      throw new AppError('invalid', 'agent:merge.targetInvalid', {
        fields: { target: 'agent:merge.targetInvalid' },
      });
    const out = await mergeTicket(ctx.state.s.app, actor, { ticketId: id, intoTicketId: into });
    return { flash: 'agent:flash.merged', ticketId: out.ticketId };
  },
};

/** A reference as agents write it (IZL-000012, IZL 12) or the bare number. */
const mergeForm = z.object({ target: z.string().trim().min(1).max(40) });

export function mountTicket(r: Router<WebState>): void {
  r.get('/agent/tickets/:id', staffOnly, async (ctx) => {
    const before = timelineCursor(ctx.query.before);
    const view = await agentTicket(ctx.state.s.db, idParam(ctx.params.id), before);
    await renderAgentTicket(ctx, view, {}, 200, before);
  });

  r.get('/agent/tickets/:id/attachments/:attachmentId', staffOnly, async (ctx) => {
    const a = await agentAttachment(ctx.state.s.db, idParam(ctx.params.id), String(ctx.params.attachmentId));
    if (!a) throw new AppError('not_found', 'portal:errors.pageNotFound');
    const name = safeFilename(a.filename);
    ctx.set(
      'Content-Disposition',
      `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    ctx.set('Cache-Control', 'private, no-store');
    ctx.type = 'application/octet-stream';
    ctx.body = a.data;
  });

  for (const action of Object.keys(ACTIONS) as TicketAction[]) {
    r.post(`/agent/tickets/:id/${action}`, staffOnly, async (ctx) => {
      const id = idParam(ctx.params.id);
      const actor = staffActor(ctx);
      try {
        const done = await ACTIONS[action](ctx, actor, id);
        const { flash, ticketId } = typeof done === 'string' ? { flash: done, ticketId: id } : done;
        // An answer the customer will not receive by mail: the agent is told so at once.
        const bounced = TO_CUSTOMER.has(action) ? await requesterBounce(ctx.state.s.db, id) : null;
        if (bounced) setFlash(ctx, 'agent:flash.requesterBounced', { email: bounced.email });
        else setFlash(ctx, flash);
        ctx.redirect(`/agent/tickets/${ticketId}`);
        ctx.status = 303;
      } catch (err) {
        // A form the user can fix comes back with what was typed; anything else is an error page.
        if (!isAppError(err) || !['invalid', 'too_large', 'conflict', 'rate_limited'].includes(err.code))
          throw err;
        const values = Object.fromEntries(FIELDS[action].map((k) => [k, field(ctx, k)]));
        const view = await agentTicket(ctx.state.s.db, id);
        const status = HTTP_STATUS[err.code];
        await renderAgentTicket(ctx, view, { [action]: formFromError(err, values) }, status);
      }
    });
  }
}
