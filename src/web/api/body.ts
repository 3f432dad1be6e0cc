import { readFile, unlink } from 'node:fs/promises';
import type { File } from 'formidable';
import type { Next } from 'koa';
import { koaBody } from 'koa-body';
import type { UploadedFile } from '../../app/attachments.js';
import { formatBytes } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import type { ApiContext } from './context.js';

const isTooLarge = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  (('httpCode' in err && err.httpCode === 413) || ('status' in err && err.status === 413));

/**
 * API bodies: JSON, or multipart for an upload (one file, up to the attachment limit: beyond it the upload is
 * cut short with 413). A malformed body keeps the parser's 400 (problem.ts answers it).
 */
export function apiBody(maxAttachmentBytes: number) {
  const parse = koaBody({
    json: true,
    jsonStrict: true,
    jsonLimit: '1mb',
    urlencoded: false,
    text: false,
    multipart: true,
    formidable: {
      maxFileSize: maxAttachmentBytes,
      maxTotalFileSize: maxAttachmentBytes,
      maxFiles: 1,
      maxFieldsSize: 1024 * 1024,
      allowEmptyFiles: true,
      minFileSize: 0,
    },
    onError: (err) => {
      if (isTooLarge(err))
        throw new AppError('too_large', 'validation.attachmentTooLarge', {
          params: { limit: formatBytes(maxAttachmentBytes) },
        });
      throw err;
    },
  });
  return async (ctx: ApiContext, next: Next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
    try {
      await parse(ctx, next);
    } finally {
      for (const f of uploadedFiles(ctx)) await unlink(f.filepath).catch(() => {});
    }
  };
}

function uploadedFiles(ctx: ApiContext): File[] {
  const files = ctx.request.files;
  if (!files) return [];
  return Object.values(files).flatMap((f) => (Array.isArray(f) ? f : [f]));
}

/** The file of a multipart part, read into memory; null when none was sent. */
export async function apiFile(ctx: ApiContext, name: string): Promise<UploadedFile | null> {
  const f = ctx.request.files?.[name];
  const file = Array.isArray(f) ? f[0] : f;
  if (!file) return null;
  return {
    filename: file.originalFilename ?? 'attachment',
    contentType: file.mimetype ?? 'application/octet-stream',
    data: await readFile(file.filepath),
  };
}
