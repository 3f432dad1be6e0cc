import nodemailer from 'nodemailer';
import type { Config } from '../../src/config/config.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { buildMessage, messageIdFor } from '../../src/outbound/headers.js';
import { senderName } from '../../src/outbound/plan.js';

/** Mails per second, and CPU time of this process per mail. */
export interface Round {
  perSecond: number;
  cpuMsPerMail: number;
}

export const measured = (n: number, t0: number, c0: NodeJS.CpuUsage): Round => {
  const c = process.cpuUsage(c0);
  return {
    perSecond: Math.round((n / (performance.now() - t0)) * 1000),
    cpuMsPerMail: Number(((c.user + c.system) / 1000 / n).toFixed(2)),
  };
};

/**
 * The ceiling of sending: raw nodemailer over the outbound's pool settings, sending pre-rendered messages built
 * exactly as the product builds them (buildMessage: same headers, same encoding options, same size); only the
 * per-message values differ.
 */
export function rawSender(config: Config, smtpUrl: string, html: string, text: string) {
  const t = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 500,
    maxRequeues: 0,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  let seq = 0;
  const send = () => {
    const i = ++seq;
    const to = `customer${i}@example.test`;
    const token = signReplyToken(config.SECRET, { ticketId: 123, userId: 1000 + i });
    return t.sendMail(
      buildMessage(config, {
        fromName: `Agente ${i} (${senderName(config, 'es')})`,
        lang: 'es',
        to: { name: `Cliente ${i}`, address: to },
        replyToken: token,
        subject: '[IZL-000123] Sin conexión en la sede',
        html,
        text,
        messageId: messageIdFor(config, i, to, token),
        ticketId: 123,
        inReplyTo: null,
        references: [],
      }),
    );
  };
  return {
    async round(n: number): Promise<Round> {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, send));
      return measured(n, t0, c0);
    },
    close: () => t.close(),
  };
}
