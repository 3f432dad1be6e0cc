import type { Readable } from 'node:stream';
import type { Db } from '../../db/db.js';
import type { Actor } from '../../domain/ticket-status.js';
import { requireAdmin } from '../agent/guards.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { type CustomerExport, customerExport, exportFileBytes } from '../queries/customer-export.js';
import { type ZipWriter, zipStream } from './zip-stream.js';

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

async function writeArchive(db: Db, zip: ZipWriter, data: CustomerExport): Promise<void> {
  await zip.add('profile.json', json(data.profile));
  await zip.add('tickets.json', json(data.tickets));
  await zip.add('followups-on-other-tickets.json', json(data.followupsElsewhere));
  await zip.add('attachments-on-other-tickets.json', json(data.attachmentsElsewhere));
  await zip.add('mails-sent.json', json(data.mailsSent));
  await zip.add('mails-received.json', json(data.mailsReceived));
  for (const f of data.files) {
    const bytes = await exportFileBytes(db, f.source);
    // Attachments are mostly compressed already (images, PDF); raw mail is text and shrinks well.
    if (bytes) await zip.add(f.path, bytes, { compress: f.source.kind === 'raw_mail' });
  }
  zip.end();
}

/**
 * A customer's data as a ZIP (admins only): their profile, company and services, their tickets with follow-ups
 * and history, the mails sent to them and received from them, with the files and raw messages. The export is
 * in the audit log before the first byte is sent. The archive is written as it is read: one file in memory at a
 * time; a failure midway ends the download with an error (the archive is then visibly incomplete).
 */
export async function exportCustomerData(
  ctx: AppContext,
  actor: Actor,
  userId: number,
): Promise<{ filename: string; stream: Readable }> {
  requireAdmin(actor);
  const data = await customerExport(ctx.db, ctx.ticketPrefix, userId);
  await ctx.db.transaction((trx) =>
    recordAudit(trx, {
      actor,
      action: 'gdpr.export',
      target: { type: 'user', id: userId },
      details: { tickets: data.tickets.length, files: data.files.length },
    }),
  );
  const zip = zipStream();
  void writeArchive(ctx.db, zip, data).catch((err: unknown) =>
    zip.fail(err instanceof Error ? err : new Error(String(err))),
  );
  return { filename: `izardesk-user-${userId}.zip`, stream: zip.stream };
}
