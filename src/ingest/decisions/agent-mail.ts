import { actorOf } from '../../app/actor.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { assign, close, resolve, setPending } from '../../app/tickets/lifecycle.js';
import { formatReference } from '../../domain/reference.js';
import type { Actor } from '../../domain/ticket-status.js';
import { translator } from '../../i18n/i18n.js';
import { agentCommands } from '../commands.js';
import type { UserRow } from '../lookups.js';
import type { TicketMatch } from '../match.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import type { DecideContext, Outcome } from './context.js';
import { answerTooBig, attempt, splitFiles } from './shared.js';

export async function agentMail(
  ctx: DecideContext,
  m: ParsedMail,
  agent: UserRow,
  ticketId: number,
  reply: string,
): Promise<Outcome> {
  const actor = actorOf(agent);
  const { commands, rest } = agentCommands(reply);
  const t = translator(agent.language);
  const files = splitFiles(m);
  const base = { source: 'email' as const, inboundMailId: ctx.recordId };
  let followupId: number | null = null;
  const writesText = !commands.includes('resolve') && !commands.includes('pending');
  if (writesText && (rest || files.accepted.length)) {
    const r = await attempt(() =>
      addFollowup(ctx.app, actor, { ...base, ticketId, body: rest, files: files.accepted }),
    );
    if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text: rest };
    followupId = r.value.followupId;
  }
  for (const c of commands) {
    const r = await attempt<{ followupId: number | null }>(() => {
      if (c === 'resolve')
        return resolve(ctx.app, actor, ticketId, {
          ...base,
          body: rest || t('ingest:resolvedByMail'),
          files: files.accepted,
        });
      if (c === 'pending')
        return setPending(ctx.app, actor, ticketId, {
          ...base,
          body: rest || t('ingest:pendingByMail'),
          files: files.accepted,
        });
      if (c === 'assign_me') return assign(ctx.app, actor, ticketId, agent.id);
      return close(ctx.app, actor, ticketId, { reason: 'email' });
    });
    if (!r.ok) return { effect: effect('held', 'effect_refused', `#${c}: ${r.key}`), text: rest };
    followupId = r.value.followupId ?? followupId;
  }
  const ref = formatReference(ctx.config.TICKET_PREFIX, ticketId);
  return {
    effect: effect(
      'followup',
      commands.length ? 'agent_command' : 'agent_reply',
      commands.length ? `${commands.map((c) => `#${c}`).join(' ')} on ${ref}` : `agent reply on ${ref}`,
      {
        ticketId,
        followupId,
        answered: await answerTooBig(ctx, m, ticketId, agent),
      },
    ),
    text: rest,
  };
}

/** What agents sent from the shared mailbox: a follow-up the customer already received. */
export async function fromSentFolder(
  ctx: DecideContext,
  m: ParsedMail,
  user: UserRow | undefined,
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
