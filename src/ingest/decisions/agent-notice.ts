import { answerMailSender } from '../../app/mail-answers.js';
import { translator } from '../../i18n/i18n.js';
import type { Sender } from '../lookups.js';
import type { ParsedMail } from '../parse.js';
import type { DecideContext } from './context.js';
import { mayAnswer } from './shared.js';

/**
 * A short answer to an agent about their mail (a command that failed, a mail that could not be verified, a
 * customer who will not receive the answer), in the agent's language, at the agent's own address: never to a
 * Reply-To, so a forged mail can only tell the real agent that someone used their address. Returns whether it
 * was written (the per-address hourly limit of automatic answers applies).
 */
export async function tellAgent(
  ctx: DecideContext,
  m: ParsedMail,
  agent: Sender,
  code: string,
  params: Record<string, string>,
  ticketId: number | null,
): Promise<boolean> {
  if (ctx.released || !(await mayAnswer(ctx, agent.email))) return false;
  const reason = translator(agent.language)(`ingest:agentNotice.${code}`, params);
  await answerMailSender(ctx.trx, {
    event: 'mail.agent_notice',
    payload: {
      to: agent.email,
      name: m.from?.name || agent.email,
      subject: m.subject,
      inReplyTo: m.messageId,
      code,
      reason,
      language: agent.language,
      ticketId,
      userId: agent.id,
    },
  });
  return true;
}
