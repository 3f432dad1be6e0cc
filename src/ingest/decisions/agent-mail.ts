import { requesterBounce } from '../../app/accounts/bounces.js';
import { actorOf } from '../../app/actor.js';
import { cannedForTicket } from '../../app/queries/canned-answers.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { isAppError } from '../../domain/errors.js';
import type { MailReason } from '../../domain/mail-reasons.js';
import { formatReference } from '../../domain/reference.js';
import type { Actor } from '../../domain/ticket-status.js';
import { translator } from '../../i18n/i18n.js';
import { type AgentCommand, agentCommands, cannedWord, commandWord } from '../commands.js';
import type { Sender } from '../lookups.js';
import type { TicketMatch } from '../match.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import { tellAgent } from './agent-notice.js';
import type { DecideContext, Outcome } from './context.js';
import { answerTooBig, attempt, splitFiles } from './shared.js';

const STATUS_COMMANDS: readonly AgentCommand[] = ['resolve', 'pending', 'close'];

/**
 * An agent's mail on a ticket, applied as one intent: at most one status command (`#resolve`, `#pending`,
 * `#close`), which carries the text; `#assign me` joins that change instead of moving the status itself, so the
 * customer gets one mail at most. `#note` (or a mail to the note address) makes the text a private note, which
 * no status command may carry. Without a status command the text is an answer (the first one takes a new ticket
 * in progress). `#respuesta nombre` puts the canned answer (rendered for the ticket, in the requester's language)
 * before the agent's own text, and its action (pending or resolve) counts as that status command. All of it
 * commits, or nothing does and the agent is told why.
 */
export async function agentMail(
  ctx: DecideContext,
  m: ParsedMail,
  agent: Sender,
  ticketId: number,
  reply: string,
  /** Sent to the note address (support+note@): a private note, as `#note` says. */
  toNote = false,
): Promise<Outcome> {
  const actor = actorOf(agent);
  const parsed = agentCommands(reply);
  let rest = parsed.rest;
  const commands: AgentCommand[] =
    toNote && !parsed.commands.includes('note') ? [...parsed.commands, 'note'] : parsed.commands;
  const note = commands.includes('note');
  const t = translator(agent.language);
  const ref = formatReference(ctx.config.TICKET_PREFIX, ticketId);
  const files = splitFiles(m);
  const base = { source: 'email' as const, inboundMailId: ctx.recordId };
  const statuses = commands.filter((c) => STATUS_COMMANDS.includes(c));
  const take = commands.includes('assign_me');
  const listed = [
    ...commands.map((c) => commandWord(c, agent.language)),
    ...parsed.canned.map((n) => cannedWord(n, agent.language)),
  ].join(' ');
  const held = async (code: MailReason, params: Record<string, string>, detail: string): Promise<Outcome> => {
    const answered = await tellAgent(ctx, m, agent, code, { ref, ...params }, ticketId);
    return { effect: effect('held', code, `${listed} on ${ref}: ${detail}`, { answered }), text: rest };
  };

  if (parsed.canned.length > 1)
    return held(
      'conflicting_commands',
      { commands: parsed.canned.map((n) => cannedWord(n, agent.language)).join(' + ') },
      'more than one canned answer',
    );
  const cannedName = parsed.canned[0];
  if (cannedName) {
    const canned = await cannedForTicket(ctx.trx, {
      ticketId,
      ticketPrefix: ctx.config.TICKET_PREFIX,
      agentId: agent.id,
      name: cannedName,
    });
    if (!canned) return held('unknown_canned', { name: cannedName }, 'no such canned answer');
    const action = canned.answer.action;
    if (action !== 'none') {
      const word = cannedWord(cannedName, agent.language);
      if (statuses.some((c) => c !== action))
        return held(
          'conflicting_canned',
          { commands: [word, ...statuses.map((c) => commandWord(c, agent.language))].join(' + ') },
          `the canned answer's action ${action} and another status command`,
        );
      if (!statuses.includes(action)) statuses.push(action);
    }
    rest = [canned.text, rest].filter(Boolean).join('\n\n');
  }

  if (statuses.length > 1 || (note && statuses.length)) {
    const words = [...statuses, ...(note ? (['note'] as const) : [])]
      .map((c) => commandWord(c, agent.language))
      .join(' + ');
    return held(
      'conflicting_commands',
      { commands: words },
      note ? 'a private note with a status command' : 'more than one status command',
    );
  }
  const status = statuses[0];
  let failed: { command: AgentCommand | null; key: string; params: Record<string, string | number> } | null =
    null;
  let followupId: number | null = null;
  try {
    // One savepoint for the whole intent: a refused step leaves nothing of the others.
    followupId = await ctx.trx.transaction(async (sp) => {
      const app = { ...ctx.app, db: sp };
      let step: AgentCommand | null = null;
      try {
        const input = { ...base, body: rest, files: files.accepted };
        const o = { assignToActor: take };
        step = status ?? null;
        if (status === 'resolve')
          return (
            await resolve(app, actor, ticketId, { ...input, body: rest || t('ingest:resolvedByMail') }, o)
          ).followupId;
        if (status === 'pending')
          return (
            await setPending(app, actor, ticketId, { ...input, body: rest || t('ingest:pendingByMail') }, o)
          ).followupId;
        if (status === 'close')
          return (await close(app, actor, ticketId, { reason: 'email', comment: input }, o)).followupId;
        step = note ? 'note' : null;
        const id =
          note || rest || files.accepted.length
            ? (
                await addFollowup(app, actor, {
                  ...input,
                  ticketId,
                  ...(note ? { visibility: 'private' } : {}),
                })
              ).followupId
            : null;
        if (take) {
          step = 'assign_me';
          const now = await sp('tickets').where({ id: ticketId }).first('assignee_id');
          if (now?.assignee_id !== agent.id) await assign(app, actor, ticketId, agent.id);
        }
        return id;
      } catch (err) {
        if (isAppError(err)) failed = { command: step, key: err.messageKey, params: err.params };
        throw err;
      }
    });
  } catch (err) {
    if (!failed || !isAppError(err)) throw err;
  }
  if (failed) {
    const f: { command: AgentCommand | null; key: string; params: Record<string, string | number> } = failed;
    const what = f.command ? commandWord(f.command, agent.language) : t('ingest:agentNotice.yourAnswer');
    const why = t(f.key, f.params);
    const answered = await tellAgent(ctx, m, agent, 'effect_refused', { what, ref, why }, ticketId);
    return {
      effect: effect('held', 'effect_refused', `${f.command ? `#${f.command}: ` : ''}${f.key}`, { answered }),
      text: rest,
    };
  }
  // The customer will not receive this by mail: the agent hears it now rather than never.
  const bounced = followupId !== null && !note ? await requesterBounce(ctx.trx, ticketId) : null;
  const warned = bounced
    ? await tellAgent(
        ctx,
        m,
        agent,
        'requester_bounced',
        { ref, email: bounced.email, date: bounced.bouncedAt.toISOString().slice(0, 10) },
        ticketId,
      )
    : false;
  const tooBig = await answerTooBig(ctx, m, ticketId, agent);
  return {
    effect: effect(
      'followup',
      note ? 'agent_note' : listed ? 'agent_command' : 'agent_reply',
      `${listed ? `${listed} on ${ref}` : `agent reply on ${ref}`}${bounced ? `; the requester's address ${bounced.email} bounces, the agent is told` : ''}`,
      { ticketId, followupId, answered: warned || tooBig },
    ),
    text: rest,
  };
}

/** What agents sent from the shared mailbox: a follow-up the customer already received. */
export async function fromSentFolder(
  ctx: DecideContext,
  m: ParsedMail,
  user: Sender | undefined,
  match: TicketMatch | null,
  reply: string,
): Promise<Outcome> {
  if (!match)
    return { effect: effect('ignored', 'sent_unmatched', 'sent mail about no ticket'), text: reply };
  const actor: Actor = user && user.role !== 'customer' ? actorOf(user) : { kind: 'system' };
  const files = m.attachments
    .filter((a) => a.data)
    .map((a) => ({ filename: a.filename, contentType: a.contentType, data: a.data as Buffer }));
  const r = await attempt(() =>
    addFollowup(ctx.app, actor, {
      ticketId: match.ticketId,
      body: reply,
      files,
      source: 'email',
      inboundMailId: ctx.recordId,
      alreadySent: true,
    }),
  );
  if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text: reply };
  return {
    effect: effect(
      'followup',
      'sent_by_agent',
      `reply sent from the shared mailbox on ${formatReference(ctx.config.TICKET_PREFIX, match.ticketId)}`,
      {
        ticketId: match.ticketId,
        followupId: r.value.followupId,
      },
    ),
    text: reply,
  };
}
