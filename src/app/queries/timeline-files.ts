import type { Db } from '../../db/db.js';

export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  followupId: number | null;
}

/**
 * The files a page of a ticket's timeline shows: the ticket's own (no follow-up) and those of the page's
 * follow-ups, oldest first. Which follow-ups the viewer may see is the caller's choice.
 */
export const timelineFiles = (db: Db, ticketId: number, followupIds: number[]): Promise<AttachmentInfo[]> =>
  db('attachments')
    .where({ ticket_id: ticketId })
    .where((w) => w.whereNull('followup_id').orWhereIn('followup_id', followupIds))
    .orderBy('created_at')
    .select('id', 'filename', 'content_type as contentType', 'size', 'followup_id as followupId');
