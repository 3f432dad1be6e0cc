import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Tx } from '../db/db.js';
import { type Catalog, checkAttachmentSize } from '../domain/catalog.js';

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A name safe to show and to put in Content-Disposition: no path, no control characters, bounded length. */
export function safeFilename(name: string): string {
  const cleaned = Array.from(basename(name.replace(/\\/g, '/')))
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .join('')
    .trim();
  return (cleaned || 'attachment').slice(0, 180);
}

/** Stores files under generated ids (never the sender's name as a path). Sizes are checked by the domain rule. */
export async function storeAttachments(
  trx: Tx,
  catalog: Catalog,
  files: readonly UploadedFile[],
  refs: { ticketId: number; followupId: number | null; uploadedBy: number | null },
): Promise<string[]> {
  const ids: string[] = [];
  for (const f of files) {
    checkAttachmentSize(catalog, f.data.length);
    const [row] = await trx('attachments')
      .insert({
        ticket_id: refs.ticketId,
        followup_id: refs.followupId,
        uploaded_by: refs.uploadedBy,
        filename: safeFilename(f.filename),
        content_type: f.contentType || 'application/octet-stream',
        size: f.data.length,
        sha256: createHash('sha256').update(f.data).digest('hex'),
        data: f.data,
      })
      .returning('id');
    ids.push(row.id as string);
  }
  return ids;
}
