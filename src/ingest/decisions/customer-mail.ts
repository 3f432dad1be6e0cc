import { actorOf } from '../../app/actor.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { refuseSolution } from '../../app/tickets/lifecycle.js';
import { isExplicitRefusal } from '../../domain/mail-refusal.js';
import { canContributeToTicket } from '../../domain/permissions.js';
import { formatReference } from '../../domain/reference.js';
import { translator } from '../../i18n/i18n.js';
import type { Sender } from '../lookups.js';
import type { TicketMatch } from '../match.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import type { DecideContext, Outcome } from './context.js';
import { newTicket } from './new-ticket.js';
import { answerTooBig, attempt, splitFiles } from './shared.js';

export async function customerMail(
  ctx: DecideContext,
  m: ParsedMail,
  user: Sender,
  match: TicketMatch | null,
  replyText: () => string,
  fullText: string,
): Promise<Outcome> {
  const actor = actorOf(user);
  if (match) {
    const reply = replyText();
    const t = await ctx
      .trx('tickets')
      .where({ id: match.ticketId })
      .first('id', 'status', 'requester_id', 'company_id');
    // matchTicket found it in this transaction, and tickets are never deleted.
    if (!t) throw new Error(`ticket ${match.ticketId} vanished`);
    const party =
      (match.token?.ticketId === t.id && match.token?.userId === user.id) ||
      canContributeToTicket(actor, { requesterId: t.requester_id, companyId: t.company_id });
    if (party && t.status !== 'closed') {
      const files = splitFiles(m);
      const input = {
        body: reply,
        source: 'email' as const,
        inboundMailId: ctx.recordId,
        files: files.accepted,
      };
      const ref = formatReference(ctx.config.TICKET_PREFIX, t.id);
      // A reply to a solution is a comment (thanks, a question): only an explicit word at its top refuses it.
      if (t.status === 'resolved' && isExplicitRefusal(reply)) {
        const r = await attempt(() => refuseSolution(ctx.app, actor, t.id, input));
        if (r.ok)
          return {
            effect: effect(
              'reopen',
              'refused_solution',
              `the reply to the solution of ${ref} starts with a refusal word: the ticket goes back to work`,
              {
                ticketId: t.id,
                followupId: r.value.followupId,
                answered: await answerTooBig(ctx, m, t.id, user),
              },
            ),
            text: reply,
          };
      }
      const r = await attempt(() => addFollowup(ctx.app, actor, { ...input, ticketId: t.id }));
      if (r.ok)
        return {
          effect: effect(
            'followup',
            t.status === 'resolved' ? 'solution_comment' : `matched_by_${match.by}`,
            t.status === 'resolved'
              ? `comment on the solution of ${ref} (matched by ${match.by}): the ticket stays resolved; the customer is sent the approve and refuse buttons`
              : `follow-up on ${ref} (matched by ${match.by})`,
            {
              ticketId: t.id,
              followupId: r.value.followupId,
              answered: await answerTooBig(ctx, m, t.id, user),
            },
          ),
          text: reply,
        };
      return { effect: effect('held', 'effect_refused', r.key), text: reply };
    }
    if (party) {
      // A closed ticket takes no more follow-ups: the reply opens a new ticket that names the old one.
      const ref = formatReference(ctx.config.TICKET_PREFIX, t.id);
      const note = translator(user.language)('ingest:closedTicketReply', { ref });
      return newTicket(ctx, m, user, `${note}\n\n${fullText}`, 'ticket_closed', t.id);
    }
    // Naming someone else's ticket (subject or thread) is only a hint: this sender gets their own ticket.
    return newTicket(ctx, m, user, fullText, 'not_a_party');
  }
  return newTicket(ctx, m, user, fullText, 'new_conversation');
}
