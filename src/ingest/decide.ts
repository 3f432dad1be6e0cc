import { agentMail, fromSentFolder } from './decisions/agent-mail.js';
import { recordBounce } from './decisions/bounce.js';
import type { DecideContext, Decision } from './decisions/context.js';
import { customerMail } from './decisions/customer-mail.js';
import { isStaffRow, lookupsOf } from './decisions/shared.js';
import { unknownSender } from './decisions/unknown-sender.js';
import { USER_COLS, type UserRow } from './lookups.js';
import { matchTicket } from './match.js';
import { type Effect, effect } from './outcome.js';
import type { ParsedMail } from './parse.js';
import { extractReply } from './reply-text.js';
import { robotKind } from './robots.js';
import { senderAuthenticated } from './sender-auth.js';

export type { DecideContext, Decision } from './decisions/context.js';

/** Decides what one parsed message does and does it through the use cases, inside the caller's transaction. */
export async function decide(ctx: DecideContext, m: ParsedMail): Promise<Decision> {
  const { trx, config } = ctx;
  const sender = m.from?.address ?? null;
  const fullText = m.text.trim();
  const none = (e: Effect): Decision => ({ effect: e, role: 'unknown', text: fullText });
  // Robots first: a delivery report often has no usable From ("MAILER-DAEMON", "<>").
  const robot = robotKind(m, config.SUPPORT_ADDRESS);
  if (robot) {
    if (robot.kind === 'bounce') await recordBounce(trx, ctx.raw, m.messageId);
    return none(effect('ignored', robot.kind, robot.why));
  }
  if (!sender) return none(effect('held', 'no_sender', 'the message has no From address'));
  if (sender === config.SUPPORT_ADDRESS.toLowerCase() && ctx.mode === 'inbox')
    return none(effect('ignored', 'loop', 'sent from our own support address'));

  const user = await lookupsOf(ctx).user(sender);
  const match = await matchTicket(trx, m, { secret: config.SECRET, ticketPrefix: config.TICKET_PREFIX });
  // Only replies need the quoted text stripped (its cost is as high as the parse): a new ticket keeps it all.
  let stripped: string | undefined;
  const replyText = () => {
    stripped ??= extractReply(fullText) || fullText;
    return stripped;
  };
  const roleOf = (u: UserRow | undefined) => (!u ? 'unknown' : u.role === 'customer' ? 'customer' : 'agent');

  if (ctx.mode === 'sent')
    return { ...(await fromSentFolder(ctx, m, user, match, replyText())), role: roleOf(user) };

  const trusted = config.MAIL_TRUSTED_AUTHSERV_ID;
  const auth =
    trusted && !ctx.released
      ? senderAuthenticated(m.headerLines.get('authentication-results') ?? [], trusted, sender)
      : { ok: true, why: ctx.released ? 'released by an agent' : 'no authentication check configured' };

  // A valid reply token speaks for its recipient, whatever address the reply comes from.
  let author = user;
  if (match?.token) {
    const tokenUser: UserRow | undefined = await trx('users')
      .where({ id: match.token.userId, active: true })
      .first(USER_COLS);
    if (tokenUser && (!user || user.id !== tokenUser.id) && !isStaffRow(user)) author = tokenUser;
  }
  const role = roleOf(author);
  const tokenForAuthor = Boolean(match?.token && author && match.token.userId === author.id);
  if (author && !tokenForAuthor && !auth.ok)
    return { effect: effect('held', 'not_authenticated', auth.why), role, text: replyText() };

  if (!author) return { ...(await unknownSender(ctx, m, auth.ok ? null : auth.why)), role: 'unknown' };
  if (isStaffRow(author)) {
    if (!match)
      return {
        effect: effect('held', 'agent_without_ticket', 'an agent wrote without naming a ticket'),
        role,
        text: replyText(),
      };
    return { ...(await agentMail(ctx, m, author, match.ticketId, replyText())), role };
  }
  return { ...(await customerMail(ctx, m, author, match, replyText, fullText)), role };
}
