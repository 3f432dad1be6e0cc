import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Context, Next } from 'koa';

/** The static assets (one CSS, one JS), read once at start; URLs carry a content hash so they cache for a year. */
interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  hash: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Next to this module, in src/ and in dist/ alike (the build copies them).
const dir = join(import.meta.dirname, 'static');

const assets = new Map<string, Asset>();
for (const name of readdirSync(dir)) {
  const body = readFileSync(join(dir, name));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  assets.set(name, {
    body,
    type: TYPES[extname(name)] ?? 'application/octet-stream',
    etag: `"${hash}"`,
    hash,
  });
}

/** `/static/app.css?v=<hash>`: the URL pages use. */
export const assetUrl = (name: string): string => `/static/${name}?v=${assets.get(name)?.hash ?? '0'}`;

export async function serveStatic(ctx: Context, next: Next): Promise<void> {
  if (!ctx.path.startsWith('/static/') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
  const asset = assets.get(ctx.path.slice('/static/'.length));
  if (!asset) return next();
  ctx.set('ETag', asset.etag);
  ctx.set(
    'Cache-Control',
    ctx.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
  );
  ctx.type = asset.type;
  if (ctx.get('if-none-match') === asset.etag) {
    ctx.status = 304;
    return;
  }
  ctx.body = asset.body;
}
