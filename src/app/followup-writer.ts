import type { Tx } from '../db/db.js';
import { checkFollowupLength } from '../domain/catalog.js';
import { storeAttachments, type UploadedFile } from './attachments.js';
import type { AppContext } from './context.js';

export type FollowupKind = 'comment' | 'info_request' | 'solution' | 'approval' | 'refusal' | 'note';

export interface FollowupInput {
  body: string;
  bodyHtml?: string | null;
  source?: 'web' | 'email' | 'system';
  inboundMailId?: number | null;
  files?: readonly UploadedFile[];
}

/** Inserts a follow-up and its files (after the length rule); returns the follow-up id. */
export async function writeFollowup(
  ctx: AppContext,
  trx: Tx,
  f: FollowupInput & {
    ticketId: number;
    authorId: number | null;
    kind: FollowupKind;
    visibility: 'public' | 'private';
  },
): Promise<number> {
  checkFollowupLength(ctx.catalog, f.body);
  const [row] = await trx('followups')
    .insert({
      ticket_id: f.ticketId,
      author_id: f.authorId,
      kind: f.kind,
      visibility: f.visibility,
      body: f.body,
      body_html: f.bodyHtml ?? null,
      source: f.source ?? 'web',
      inbound_mail_id: f.inboundMailId ?? null,
    })
    .returning('id');
  const id = row.id as number;
  if (f.files?.length) {
    await storeAttachments(trx, ctx.catalog, f.files, {
      ticketId: f.ticketId,
      followupId: id,
      uploadedBy: f.authorId,
    });
  }
  return id;
}
