import { recordDeliveryReport } from '../../app/accounts/bounces.js';
import { pgText } from '../pg-safe.js';
import type { DecideContext } from './context.js';

export interface DsnRecipient {
  address: string;
  action: string;
  status: string;
  diagnostic: string;
}

/** Per-recipient blocks of a delivery report (RFC 3464), and the Message-IDs of the messages it is about. */
export function parseDsn(
  raw: Buffer,
  ownId: string | null,
): { messageIds: string[]; recipients: DsnRecipient[] } {
  // Read from the raw source: cleaned here of what Postgres refuses, as every string from a mail is.
  const text = pgText(raw.subarray(0, 512 * 1024).toString('latin1')).replace(/\r\n/g, '\n');
  const messageIds = [...text.matchAll(/^Message-ID:\s*<([^<>\s]+)>/gim)]
    .map((x) => x[1] as string)
    .filter((id) => id !== ownId);
  const recipients: DsnRecipient[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const address = /^Final-Recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/im.exec(block)?.[1];
    if (!address) continue;
    recipients.push({
      address: address.toLowerCase(),
      action: /^Action:\s*(\S+)/im.exec(block)?.[1]?.toLowerCase() ?? '',
      status: /^Status:\s*(\d\.\d{1,3}\.\d{1,3})/im.exec(block)?.[1] ?? '',
      diagnostic: /^Diagnostic-Code:\s*(.+)$/im.exec(block)?.[1]?.trim().slice(0, 300) ?? '',
    });
  }
  return { messageIds, recipients };
}

/** Only a failure for good marks an address: `Action: failed` with a 5.x.x status (or no status at all). */
const permanent = (r: DsnRecipient) => r.action === 'failed' && !r.status.startsWith('4');

/**
 * A delivery report about our notifications, recorded per delivery by the use case: permanent failures
 * bounce the delivery and mark the address; delays and warnings (`Action: delayed`, 4.x.x) are only noted.
 * Returns what was found, for the record's reason.
 */
export async function recordBounce(ctx: DecideContext, ownId: string | null): Promise<string> {
  const { trx } = ctx;
  const dsn = parseDsn(ctx.raw, ownId);
  if (!dsn.messageIds.length || !dsn.recipients.length) return 'no per-recipient report about our mail';
  const rows: { id: number; recipient: string; ticket_id: number | null; status: string }[] = await trx(
    'deliveries',
  )
    .whereIn('message_id', dsn.messageIds)
    .select('id', 'recipient', 'ticket_id', 'status');
  const said: string[] = [];
  for (const row of rows) {
    const r = dsn.recipients.find((x) => x.address === row.recipient.toLowerCase());
    if (!r) continue;
    const what = `${r.action || 'no action'} ${r.status}${r.diagnostic ? ` (${r.diagnostic})` : ''}`.trim();
    await recordDeliveryReport(ctx.app, {
      deliveryId: row.id,
      recipient: row.recipient,
      ticketId: row.ticket_id,
      what,
      permanent: permanent(r),
    });
    said.push(permanent(r) ? `${row.recipient}: bounced, ${what}` : `${row.recipient}: ${what}, ignored`);
  }
  return said.length ? said.join('; ') : 'the report names none of our recipients';
}
