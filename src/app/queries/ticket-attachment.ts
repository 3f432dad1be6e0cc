import type { Db } from '../../db/db.js';
import { type CustomerViewer, whereViewerMaySee } from './customer-scope.js';

export interface AttachmentContent {
  filename: string;
  content_type: string;
  size: number;
  data: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A file of a ticket the viewer may see, in one query (ownership included); never a private note's file. */
export async function customerAttachment(
  db: Db,
  viewer: CustomerViewer,
  ticketId: number,
  attachmentId: string,
): Promise<AttachmentContent | null> {
  if (!UUID.test(attachmentId) || !Number.isSafeInteger(ticketId)) return null;
  const q = db('attachments as a')
    .join('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('followups as f', 'f.id', 'a.followup_id')
    .where('a.id', attachmentId)
    .andWhere('a.ticket_id', ticketId)
    .where((w) => w.whereNull('a.followup_id').orWhere('f.visibility', 'public'))
    .first('a.filename', 'a.content_type', 'a.size', 'a.data');
  whereViewerMaySee(q, viewer);
  return (await q) ?? null;
}
