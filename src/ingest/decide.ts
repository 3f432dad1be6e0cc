import { clearBounceMark } from '../app/accounts/bounces.js';
import { actorOf } from '../app/actor.js';
import { recordMentions } from '../app/tickets/mentions.js';
import { toNoteAddress } from '../domain/note-address.js';
import { canContributeToTicket } from '../domain/permissions.js';
import { formatReference } from '../domain/reference.js';
import { agentMail, fromSentFolder } from './decisions/agent-mail.js';
import { tellAgent } from './decisions/agent-notice.js';
import { recordBounce } from './decisions/bounce.js';
import type { DecideContext, Decision } from './decisions/context.js';
import { customerMail } from './decisions/customer-mail.js';
import { isStaffRow, lookupsOf } from './decisions/shared.js';
import { unknownSender } from './decisions/unknown-sender.js';
import type { Sender } from './lookups.js';
import { matchTicket } from './match.js';
import { type Effect, effect } from './outcome.js';
import type { ParsedMail } from './parse.js';
import { extractReply } from './reply-text.js';
import { robotKind } from './robots.js';
import { senderAuthenticated } from './sender-auth.js';

export type { DecideContext, Decision } from './decisions/context.js';

/**
 * Decides what one parsed message does and does it through the use cases, inside the caller's transaction. A
 * message that landed on a ticket and names other tickets by reference links them as mentions (for agents).
 */
export async function decide(ctx: DecideContext, m: ParsedMail): Promise<Decision> {
  const d = await decideMessage(ctx, m);
  const e = d.effect;
  if (e.ticketId !== null && LANDED.has(e.action)) {
    const author = m.from?.address ? await lookupsOf(ctx).user(m.from.address) : undefined;
    await recordMentions(ctx.app, { ticketId: e.ticketId, actorId: author?.id ?? null, text: d.text });
  }
  return d;
}

/** Outcomes whose text is now on a ticket. */
const LANDED: ReadonlySet<Effect['action']> = new Set(['new_ticket', 'followup', 'reopen']);

async function decideMessage(ctx: DecideContext, m: ParsedMail): Promise<Decision> {
  const { trx, config } = ctx;
  const sender = m.from?.address ?? null;
  const fullText = m.text.trim();
  const none = (e: Effect): Decision => ({ effect: e, role: 'unknown', text: fullText });
  // Robots first: a delivery report often has no usable From ("MAILER-DAEMON", "<>").
  const robot = robotKind(m, config.SUPPORT_ADDRESS);
  if (robot) {
    const found = robot.kind === 'bounce' ? `: ${await recordBounce(ctx, m.messageId)}` : '';
    return none(effect('ignored', robot.kind, `${robot.why}${found}`));
  }
  if (!sender) return none(effect('held', 'no_sender', 'the message has no From address'));
  if (
    ctx.mode === 'inbox' &&
    (sender === config.SUPPORT_ADDRESS.toLowerCase() ||
      (await lookupsOf(ctx).mailboxAddresses()).includes(sender))
  )
    return none(effect('ignored', 'loop', 'sent from one of our own support addresses'));

  const user = await lookupsOf(ctx).user(sender);
  const match = await matchTicket(trx, m, { secret: config.SECRET, ticketPrefix: config.TICKET_PREFIX });
  // Only replies need the quoted text stripped (its cost is as high as the parse): a new ticket keeps it all.
  let stripped: string | undefined;
  const replyText = () => {
    stripped ??= extractReply(fullText) || fullText;
    return stripped;
  };
  const roleOf = (u: Sender | undefined) => (!u ? 'unknown' : u.role === 'customer' ? 'customer' : 'agent');

  if (ctx.mode === 'sent')
    return { ...(await fromSentFolder(ctx, m, user, match, replyText())), role: roleOf(user) };

  // The receiving MX's verdict, when one is configured: the only proof of a From address besides a reply token.
  const trusted = config.MAIL_TRUSTED_AUTHSERV_ID;
  const mx =
    trusted && !ctx.released
      ? senderAuthenticated(m.headerLines.get('authentication-results') ?? [], trusted, sender)
      : null;
  const auth = mx ?? {
    ok: true,
    why: ctx.released ? 'released by an agent' : 'no authentication check configured',
  };

  // A reply token speaks for its recipient only: a follow-up is always authored by the real From address.
  if (match?.token && match.token.userId !== user?.id && !ctx.released) {
    const ticket: { requester_id: number; company_id: number | null } = await trx('tickets')
      .where({ id: match.ticketId })
      .first('requester_id', 'company_id');
    const owner = { requesterId: ticket.requester_id, companyId: ticket.company_id };
    if (!user || !canContributeToTicket(actorOf(user), owner))
      return {
        effect: effect(
          'held',
          'token_other_sender',
          `reply token used by another address: it was sent to user ${match.token.userId}, the mail comes from ${sender}`,
        ),
        role: roleOf(user),
        text: replyText(),
      };
  }
  const role = roleOf(user);
  const ownToken = Boolean(match?.token && user && match.token.userId === user.id);

  if (!user) return { ...(await unknownSender(ctx, m, auth.ok ? null : auth.why)), role: 'unknown' };
  if (isStaffRow(user)) {
    // Agent actions by mail need proof that the agent sent it: their own reply token, or DMARC/DKIM pass seen
    // by our MX. A From header alone is forged in one line, so without either nothing is applied.
    if (!ownToken && !mx?.ok && !ctx.released) {
      const why = mx
        ? `${mx.why}, and no reply token of this agent`
        : 'no reply token of this agent, and no authentication check configured (MAIL_TRUSTED_AUTHSERV_ID)';
      const answered = await tellAgent(ctx, m, user, 'agent_not_verified', {}, match?.ticketId ?? null);
      return { effect: effect('held', 'agent_not_verified', why, { answered }), role, text: replyText() };
    }
    if (!match) {
      const example = formatReference(config.TICKET_PREFIX, 123);
      const answered = await tellAgent(ctx, m, user, 'agent_without_ticket', { example }, null);
      return {
        effect: effect('held', 'agent_without_ticket', 'an agent wrote without naming a ticket', {
          answered,
        }),
        role,
        text: replyText(),
      };
    }
    await clearBounceMark(ctx.app, { userId: user.id });
    const toNote = toNoteAddress(config.SUPPORT_ADDRESS, m.recipients);
    return { ...(await agentMail(ctx, m, user, match.ticketId, replyText(), toNote)), role };
  }
  if (!ownToken && !auth.ok)
    return { effect: effect('held', 'not_authenticated', auth.why), role, text: replyText() };
  // A person writing from the address proves it works again.
  await clearBounceMark(ctx.app, { userId: user.id });
  return { ...(await customerMail(ctx, m, user, match, replyText, fullText)), role };
}
