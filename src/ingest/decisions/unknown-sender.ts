import { createUser } from '../../app/accounts/create-user.js';
import { answerMailSender } from '../../app/mail-answers.js';
import type { MailReason } from '../../domain/mail-reasons.js';
import { personName } from '../../domain/person-name.js';
import { HOUR, recentCount, type Sender, USER_COLS } from '../lookups.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import { mayAutoAnswer } from '../robots.js';
import type { DecideContext, Outcome } from './context.js';
import { newTicket } from './new-ticket.js';
import { attempt, mayAnswer } from './shared.js';

const UNKNOWN_SENDER: MailReason = 'unknown_sender';

export async function unknownSender(
  ctx: DecideContext,
  m: ParsedMail,
  authFailure: string | null,
): Promise<Outcome> {
  const { config, trx } = ctx;
  const from = m.from as { address: string; name: string };
  const text = m.text.trim();
  if (config.MAIL_UNKNOWN_SENDER === 'create_account') {
    if (authFailure) return { effect: effect('held', 'not_authenticated', authFailure), text };
    const domain = from.address.split('@').pop() ?? 'email';
    const r = await attempt(() =>
      createUser(
        ctx.app,
        { kind: 'system' },
        {
          email: from.address,
          name: from.name || from.address.split('@')[0] || from.address,
          role: 'customer',
          companyName: domain,
          language: config.DEFAULT_LANGUAGE,
          invite: true,
        },
      ),
    );
    if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text };
    const user: Sender = await trx('users').where({ id: r.value.userId }).first(USER_COLS);
    return newTicket(ctx, m, user, text, 'account_created');
  }
  if (ctx.released)
    return { effect: effect('rejected', UNKNOWN_SENDER, 'no account for this address'), text };
  // One explanation a day per address: enough to tell a person, useless to a loop or a spam relay.
  const answeredToday = await recentCount(trx, from.address, new Date(Date.now() - 24 * HOUR), (q) => {
    q.whereRaw("details->>'answered' = 'true' and details->>'code' = ?", [UNKNOWN_SENDER]);
  });
  const answered = answeredToday === 0 && (await mayAnswer(ctx, from.address));
  const person = mayAutoAnswer(from.address) ? personName(from.address, from.name) : null;
  if (answered)
    await answerMailSender(trx, {
      event: 'mail.unknown_sender',
      payload: {
        to: from.address,
        name: from.name,
        subject: m.subject,
        inReplyTo: m.messageId,
        inboundMailId: ctx.recordId,
        language: config.DEFAULT_LANGUAGE,
      },
    });
  return {
    effect: effect('rejected', UNKNOWN_SENDER, 'no account for this address; kept for an agent', {
      quarantine: true,
      answered,
      ...(person ? { person } : {}),
    }),
    text,
  };
}
