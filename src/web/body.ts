import { readFile, unlink } from 'node:fs/promises';
import type { File } from 'formidable';
import type { Next } from 'koa';
import { koaBody } from 'koa-body';
import type { UploadedFile } from '../app/attachments.js';
import { formatBytes } from '../domain/catalog.js';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';

/**
 * Form bodies (urlencoded and multipart). Files up to twice the attachment limit reach the handlers, so the
 * domain rule refuses them with the form re-rendered and nothing typed lost; beyond that the upload is cut
 * short with a 413 page.
 */
export function bodyParser(maxAttachmentBytes: number) {
  const parse = koaBody({
    multipart: true,
    json: false,
    text: false,
    formLimit: '1mb',
    formidable: {
      maxFileSize: maxAttachmentBytes * 2,
      maxTotalFileSize: maxAttachmentBytes * 2,
      maxFiles: 1,
      maxFieldsSize: 1024 * 1024,
      allowEmptyFiles: true,
      minFileSize: 0,
    },
    onError: () => {
      throw new AppError('too_large', 'validation.attachmentTooLarge', {
        params: { limit: formatBytes(maxAttachmentBytes) },
      });
    },
  });
  return async (ctx: WebContext, next: Next) => {
    // koa-body parses POST/PUT/PATCH only: other requests skip it (and the upload clean-up) entirely.
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
    try {
      await parse(ctx, next);
    } finally {
      for (const f of uploadedFiles(ctx)) await unlink(f.filepath).catch(() => {});
    }
  };
}

function uploadedFiles(ctx: WebContext): File[] {
  const files = ctx.request.files;
  if (!files) return [];
  return Object.values(files).flatMap((f) => (Array.isArray(f) ? f : [f]));
}

/** A text field of the parsed form ('' when absent; the first value when repeated). */
export function field(ctx: WebContext, name: string): string {
  const body = ctx.request.body as Record<string, unknown> | undefined;
  const v = body?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** The uploaded file of a form field, read into memory; null when the user chose none. */
export async function uploadedFile(ctx: WebContext, name: string): Promise<UploadedFile | null> {
  const f = ctx.request.files?.[name];
  const file = Array.isArray(f) ? f[0] : f;
  if (!file || (file.size === 0 && !file.originalFilename)) return null;
  return {
    filename: file.originalFilename ?? 'attachment',
    contentType: file.mimetype ?? 'application/octet-stream',
    data: await readFile(file.filepath),
  };
}
