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

export interface AttachmentRefs {
  ticketId: number;
  followupId: number | null;
  uploadedBy: number | null;
}

/** Stores files under generated ids (never the sender's name as a path). Sizes are checked by the domain rule. */
export async function storeAttachments(
  trx: Tx,
  catalog: Catalog,
  files: readonly UploadedFile[],
  refs: AttachmentRefs,
): Promise<string[]> {
  return storeAttachmentSets(trx, catalog, [{ files, refs }]);
}

/** The files of several tickets or follow-ups in one statement; every size is checked before anything is written. */
export async function storeAttachmentSets(
  trx: Tx,
  catalog: Catalog,
  sets: readonly { files: readonly UploadedFile[]; refs: AttachmentRefs }[],
): Promise<string[]> {
  for (const set of sets) for (const f of set.files) checkAttachmentSize(catalog, f.data.length);
  const rows = sets.flatMap(({ files, refs }) =>
    files.map((f) => ({
      ticket_id: refs.ticketId,
      followup_id: refs.followupId,
      uploaded_by: refs.uploadedBy,
      filename: safeFilename(f.filename),
      content_type: f.contentType || 'application/octet-stream',
      size: f.data.length,
      sha256: createHash('sha256').update(f.data).digest('hex'),
      data: f.data,
    })),
  );
  if (rows.length === 0) return [];
  const inserted: { id: string }[] = await trx('attachments').insert(rows).returning('id');
  return inserted.map((r) => r.id);
}
