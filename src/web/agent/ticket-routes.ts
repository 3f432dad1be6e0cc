import type Router from '@koa/router';
import { z } from 'zod';
import { requesterBounce } from '../../app/accounts/bounces.js';
import { updateTicketClassification } from '../../app/agent/update-ticket.js';
import { safeFilename } from '../../app/attachments.js';
import { agentAttachment, agentTicket } from '../../app/queries/agent-ticket.js';
import { cannedForTicket } from '../../app/queries/canned-answers.js';
import { timelineCursor } from '../../app/queries/ticket-timeline.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, reopen, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { field, uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { HTTP_STATUS } from '../errors.js';
import { withFollowupLimit } from '../followup-limit.js';
import { formFromError } from '../forms.js';
import { setFlash } from '../session.js';
import { idParam, intParam, staffActor, staffOnly, staffUserId } from './guard.js';
import { renderAgentTicket, type TicketAction } from './ticket-page.js';

type Handler = (ctx: WebContext, actor: Actor, ticketId: number) => Promise<string>;

/** The form fields each action keeps when re-rendered after an error. */
const FIELDS: Record<TicketAction, string[]> = {
  reply: ['body'],
  note: ['body'],
  ask: ['body'],
  solve: ['body'],
  reopen: ['body'],
  assign: ['assigneeId'],
  classify: ['type', 'category', 'urgency', 'serviceId'],
  close: [],
  answer: ['body', 'sendAs'],
};

const files = async (ctx: WebContext) => {
  const f = await uploadedFile(ctx, 'attachment');
  return f ? [f] : [];
};

/** Actions that mail the customer. */
const TO_CUSTOMER = new Set<TicketAction>(['reply', 'ask', 'solve', 'answer']);

const answerThen = z.enum(['reply', 'ask', 'solve']);

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
  answer: async (ctx, actor, id) => {
    const sendAs = answerThen.safeParse(field(ctx, 'sendAs'));
    if (!sendAs.success)
      throw new AppError('invalid', 'validation.fixFields', { fields: { sendAs: 'canned:actionInvalid' } });
    return ACTIONS[sendAs.data](ctx, actor, id);
  },
  classify: async (ctx, actor, id) => {
    const out = await updateTicketClassification(ctx.state.s.app, actor, id, {
      type: field(ctx, 'type'),
      category: field(ctx, 'category'),
      urgency: field(ctx, 'urgency') || null,
      serviceId: intParam(field(ctx, 'serviceId')),
    });
    return out.changed.length ? 'agent:flash.classified' : 'agent:flash.unchanged';
  },
};

export function mountTicket(r: Router<WebState>): void {
  r.get('/agent/tickets/:id', staffOnly, async (ctx) => {
    const before = timelineCursor(ctx.query.before);
    const id = idParam(ctx.params.id);
    const view = await agentTicket(ctx.state.s.db, id, before);
    const cannedId = ctx.query.canned === undefined ? null : intParam(ctx.query.canned);
    if (ctx.query.canned !== undefined && cannedId === null) ctx.throw(400);
    const picked =
      cannedId === null
        ? null
        : await cannedForTicket(ctx.state.s.db, {
            ticketId: id,
            ticketPrefix: ctx.state.s.config.TICKET_PREFIX,
            agentId: staffUserId(ctx),
            id: cannedId,
          });
    if (cannedId !== null && !picked) throw new AppError('not_found', 'canned:notFound');
    await renderAgentTicket(ctx, view, {}, 200, before, picked ?? null);
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
        const flash = await ACTIONS[action](ctx, actor, id);
        // An answer the customer will not receive by mail: the agent is told so at once.
        const bounced = TO_CUSTOMER.has(action) ? await requesterBounce(ctx.state.s.db, id) : null;
        if (bounced) setFlash(ctx, 'agent:flash.requesterBounced', { email: bounced.email });
        else setFlash(ctx, flash);
        ctx.redirect(`/agent/tickets/${id}`);
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
