import type Router from '@koa/router';
import { z } from 'zod';
import { requesterBounce } from '../../app/accounts/bounces.js';
import { updateTicketClassification } from '../../app/agent/update-ticket.js';
import { safeFilename } from '../../app/attachments.js';
import { agentAttachment, agentTicket } from '../../app/queries/agent-ticket.js';
import { cannedForTicket } from '../../app/queries/canned-answers.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, reopen, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { mergeTicket } from '../../app/tickets/merge.js';
import { AppError } from '../../domain/errors.js';
import { parseReference } from '../../domain/reference.js';
import type { Actor } from '../../domain/ticket-status.js';
import { uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { withFollowupLimit } from '../followup-limit.js';
import { formError } from '../form-error.js';
import {
  formInput,
  formValues,
  optionalId,
  paramsInput,
  pathId,
  queryInput,
  queryInt,
  text,
} from '../input.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { staffActor, staffOnly, staffUserId } from './guard.js';
import { renderAgentTicket, TICKET_ACTIONS, type TicketAction } from './ticket-page.js';

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
  answer: ['body', 'sendAs'],
};

const BODY = { body: text };

const ASSIGN = { assigneeId: optionalId('validation.assigneeInvalid') };
const CLASSIFY = {
  type: text,
  category: text,
  urgency: text,
  serviceId: optionalId('validation.serviceInvalid'),
  teamId: optionalId('agent:teams.notFound'),
};
/** A reference as agents write it (IZL-000012, IZL 12) or the bare number. */
const MERGE = { target: z.string().max(40).default('') };
const ATTACHMENT = { id: pathId, attachmentId: z.string() };

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
    const input = { ticketId: id, body: formInput(ctx, BODY).body, files: await files(ctx) };
    await withFollowupLimit(ctx, () => addFollowup(ctx.state.s.app, actor, input));
    return 'agent:flash.replied';
  },
  note: async (ctx, actor, id) => {
    const input = {
      ticketId: id,
      body: formInput(ctx, BODY).body,
      files: await files(ctx),
      visibility: 'private' as const,
    };
    await withFollowupLimit(ctx, () => addFollowup(ctx.state.s.app, actor, input));
    return 'agent:flash.noted';
  },
  ask: async (ctx, actor, id) => {
    const { body } = formInput(ctx, BODY);
    await setPending(ctx.state.s.app, actor, id, { body, files: await files(ctx) });
    return 'agent:flash.asked';
  },
  solve: async (ctx, actor, id) => {
    await resolve(ctx.state.s.app, actor, id, formInput(ctx, BODY));
    return 'agent:flash.solved';
  },
  close: async (ctx, actor, id) => {
    await close(ctx.state.s.app, actor, id);
    return 'agent:flash.closed';
  },
  reopen: async (ctx, actor, id) => {
    await reopen(ctx.state.s.app, actor, id, formInput(ctx, BODY));
    return 'agent:flash.reopened';
  },
  assign: async (ctx, actor, id) => {
    // No one chosen: the agent takes the ticket.
    const { assigneeId } = formInput(ctx, ASSIGN);
    await assign(ctx.state.s.app, actor, id, assigneeId ?? undefined);
    return 'agent:flash.assigned';
  },
  answer: async (ctx, actor, id) => {
    const sendAs = answerThen.safeParse(formInput(ctx, { sendAs: text }).sendAs);
    if (!sendAs.success)
      throw new AppError('invalid', 'validation.fixFields', { fields: { sendAs: 'canned:actionInvalid' } });
    return ACTIONS[sendAs.data](ctx, actor, id);
  },
  classify: async (ctx, actor, id) => {
    const f = formInput(ctx, CLASSIFY);
    const out = await updateTicketClassification(ctx.state.s.app, actor, id, {
      ...f,
      urgency: f.urgency || null,
    });
    return out.changed.length ? 'agent:flash.classified' : 'agent:flash.unchanged';
  },
  merge: async (ctx, actor, id) => {
    const raw = formInput(ctx, MERGE).target.trim();
    const bare = pathId.safeParse(raw);
    const into = parseReference(ctx.state.s.config.TICKET_PREFIX, raw) ?? (bare.success ? bare.data : null);
    if (into === null)
      throw new AppError('invalid', 'agent:merge.targetInvalid', {
        fields: { target: 'agent:merge.targetInvalid' },
      });
    const out = await mergeTicket(ctx.state.s.app, actor, { ticketId: id, intoTicketId: into });
    return { flash: 'agent:flash.merged', ticketId: out.ticketId };
  },
};

export function mountTicket(r: Router<WebState>): void {
  r.get('/agent/tickets/:id', staffOnly, async (ctx) => {
    const { id } = paramsInput(ctx, { id: pathId });
    const { before, canned } = queryInput(ctx, { before: queryInt, canned: queryInt });
    if (ctx.query.canned !== undefined && !canned) ctx.throw(400);
    const view = await agentTicket(ctx.state.s.db, id, before);
    const picked = canned
      ? await cannedForTicket(ctx.state.s.db, {
          ticketId: id,
          ticketPrefix: ctx.state.s.config.TICKET_PREFIX,
          agentId: staffUserId(ctx),
          id: canned,
        })
      : null;
    if (canned && !picked) throw new AppError('not_found', 'canned:notFound');
    await renderAgentTicket(ctx, view, {}, 200, before, picked ?? null);
  });

  r.get('/agent/tickets/:id/attachments/:attachmentId', staffOnly, async (ctx) => {
    const { id, attachmentId } = paramsInput(ctx, ATTACHMENT);
    const a = await agentAttachment(ctx.state.s.db, id, attachmentId);
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

  for (const action of TICKET_ACTIONS) {
    r.post(`/agent/tickets/:id/${action}`, staffOnly, async (ctx) => {
      const { id } = paramsInput(ctx, { id: pathId });
      const actor = staffActor(ctx);
      try {
        const done = await ACTIONS[action](ctx, actor, id);
        const { flash, ticketId } = typeof done === 'string' ? { flash: done, ticketId: id } : done;
        // An answer the customer will not receive by mail: the agent is told so at once.
        const bounced = TO_CUSTOMER.has(action) ? await requesterBounce(ctx.state.s.db, id) : null;
        if (bounced) setFlash(ctx, 'agent:flash.requesterBounced', { email: bounced.email });
        else setFlash(ctx, flash);
        seeOther(ctx, `/agent/tickets/${ticketId}`);
      } catch (err) {
        // A form the user can fix comes back with what was typed; anything else is an error page.
        const { status, form } = formError(err, formValues(ctx, FIELDS[action]));
        const view = await agentTicket(ctx.state.s.db, id);
        await renderAgentTicket(ctx, view, { [action]: form }, status);
      }
    });
  }
}
