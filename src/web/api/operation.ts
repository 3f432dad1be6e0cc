import { createHash } from 'node:crypto';
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { actorOf } from '../../app/actor.js';
import { withIdempotency } from '../../app/api/idempotency.js';
import type { UploadedFile } from '../../app/attachments.js';
import type { AppContext } from '../../app/context.js';
import type { ApiCaller } from '../../app/queries/api-tokens.js';
import type { ApiScope } from '../../domain/api-token.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { callerWith } from './auth.js';
import { apiFile } from './body.js';
import type { ApiContext, ApiState } from './context.js';
import { problemSchema } from './schemas.js';

type Method = 'get' | 'post' | 'patch';

/** What a handler gets: the checked input, the caller acting as its token's creator, and the use cases' context. */
export interface Call<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** The file part of an upload (`file`), when the operation takes one. */
  file: UploadedFile | null;
  caller: ApiCaller;
  /** The token's creator: history names this person. */
  actor: Actor;
  /** For a write with an Idempotency-Key, bound to the transaction that stores the answer. */
  app: AppContext;
  ticketPrefix: string;
}

/** A binary answer (a download). */
export interface FileAnswer {
  filename: string;
  data: Buffer;
}

interface Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** The OpenAPI path under /api/v1, e.g. `/tickets/{id}`. */
  path: string;
  scope: ApiScope;
  tag: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Path, query and body schemas; NO_INPUT's empty one where the operation takes none. */
  params: P;
  query: Q;
  body: B;
  /** The body is multipart/form-data: `body` describes its text fields, and a `file` part is required. */
  upload?: boolean;
  /** Problem statuses this operation may answer besides 401, 403, 429 and (with input) 422. */
  problems?: number[];
}

/** An operation of the API: mounted on the router and described in the OpenAPI document by the same spec. */
export interface Operation {
  method: Method;
  path: string;
  scope: ApiScope;
  register(registry: OpenAPIRegistry): void;
  mount(router: Router<ApiState>): void;
}

const NONE = z.object({});
export type None = typeof NONE;

/** The schemas of an operation without input, to spread before its own. */
export const NO_INPUT = { params: NONE, query: NONE, body: NONE };

/** Mounts a handler at an OpenAPI path. */
function route(
  router: Router<ApiState>,
  method: Method,
  path: string,
  handler: (ctx: ApiContext) => Promise<void>,
) {
  const at = routerPath(path);
  if (method === 'get') router.get(at, handler);
  else if (method === 'post') router.post(at, handler);
  else router.patch(at, handler);
}

/** The path as the router writes it: `/tickets/{id}` → `/tickets/:id`. */
export const routerPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

const ISSUE_KEYS = new Set(['invalid_type', 'too_small', 'too_big', 'invalid_format', 'invalid_value']);

/** Zod's issues as the fields of an `invalid` AppError, each with a message key of api:problems.field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const name =
      issue.code === 'unrecognized_keys'
        ? (issue.keys[0] ?? 'body')
        : issue.path.map(String).join('.') || 'body';
    const key =
      issue.code === 'unrecognized_keys' ? 'unknown' : ISSUE_KEYS.has(issue.code) ? issue.code : 'other';
    fields[name] ??= `api:problems.field.${key}`;
  }
  return fields;
}

function parseOr<T extends z.ZodType>(
  schema: T,
  input: unknown,
  fail: (e: z.ZodError) => AppError,
): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw fail(r.error);
  return r.data;
}

const invalid = (e: z.ZodError) =>
  new AppError('invalid', 'validation.fixFields', { fields: fieldErrors(e) });
const noSuchThing = () => new AppError('not_found', 'api:problems.routeNotFound');

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request as far as a retry must repeat it: method, path and body (an upload's file by its hash). */
function requestHash(ctx: ApiContext, file: UploadedFile | null): string {
  const h = createHash('sha256').update(`${ctx.method} ${ctx.path}\n`);
  h.update(JSON.stringify(ctx.request.body ?? {}));
  if (file) h.update(`\n${file.filename}\n${file.contentType}\n`).update(file.data);
  return h.digest('hex');
}

const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

const PROBLEM_TEXT: Record<number, string> = {
  401: 'Missing, invalid or revoked token.',
  403: 'The token lacks the scope, or its creator may not do this.',
  404: 'No such resource.',
  409: 'The resource is not in a state that allows this.',
  413: 'Too large (attachments: 2 MB by default).',
  422: 'Invalid input; `errors` lists the fields.',
  429: 'Rate limit reached; see Retry-After.',
};

const FILE_PART = z.string().meta({ format: 'binary', description: 'The file (2 MB at most by default).' });

/** Describes the operation in the registry: parameters, body, success answer and its problems. */
function describe(
  registry: OpenAPIRegistry,
  spec: Spec<z.ZodType, z.ZodType, z.ZodType>,
  success: { status: number; description: string; content: ResponseConfig['content'] },
): void {
  const problems = new Set([401, 403, 429, ...(spec.problems ?? [])]);
  if (spec.body !== NONE || spec.query !== NONE) problems.add(422);
  if (spec.params !== NONE) problems.add(404);
  const body =
    spec.body !== NONE || spec.upload
      ? spec.upload
        ? {
            content: {
              'multipart/form-data': {
                schema:
                  spec.body instanceof z.ZodObject
                    ? spec.body.extend({ file: FILE_PART })
                    : z.object({ file: FILE_PART }),
              },
            },
          }
        : { content: { 'application/json': { schema: spec.body } } }
      : undefined;
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description: `${spec.description ? `${spec.description}\n\n` : ''}Scope: \`${spec.scope}\`.${spec.method === 'post' ? ' Takes an `Idempotency-Key` header.' : ''}`,
    tags: [spec.tag],
    security: [{ bearer: [] }],
    request: {
      ...(spec.params !== NONE && spec.params instanceof z.ZodObject ? { params: spec.params } : {}),
      ...(spec.query !== NONE && spec.query instanceof z.ZodObject ? { query: spec.query } : {}),
      ...(spec.method === 'post'
        ? { headers: z.object({ 'Idempotency-Key': z.string().min(1).max(200).optional() }) }
        : {}),
      ...(body ? { body: { ...body, required: true } } : {}),
    },
    responses: {
      [success.status]: { description: success.description, content: success.content },
      ...Object.fromEntries(
        [...problems].sort().map((s) => [s, problemResponse(PROBLEM_TEXT[s] ?? 'Problem.')]),
      ),
    },
  });
}

/** The checked input of a request, and who calls: scope first, then path, query and body. */
async function callOf<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  ctx: ApiContext,
  spec: Spec<P, Q, B>,
): Promise<Call<P, Q, B>> {
  const caller = callerWith(ctx, spec.scope);
  const params = parseOr(spec.params, ctx.params, noSuchThing);
  const query = parseOr(spec.query, ctx.query, invalid);
  const body = parseOr(spec.body, ctx.request.body ?? {}, invalid);
  const file = spec.upload ? await apiFile(ctx, 'file') : null;
  if (spec.upload && !file)
    throw new AppError('invalid', 'validation.fixFields', { fields: { file: 'api:problems.fileRequired' } });
  const { s } = ctx.state;
  return {
    params,
    query,
    body,
    file,
    caller,
    actor: actorOf(caller.user),
    app: s.app,
    ticketPrefix: s.config.TICKET_PREFIX,
  };
}

/**
 * A JSON operation. A POST with an Idempotency-Key runs once per (token, key): its answer is stored in the
 * transaction of the use case and replayed to a retry with the same body (header `Idempotent-Replayed: true`).
 */
export function jsonOperation<
  R extends z.ZodType,
  P extends z.ZodType = None,
  Q extends z.ZodType = None,
  B extends z.ZodType = None,
>(
  spec: Spec<P, Q, B> & {
    status: 200 | 201;
    response: R;
    responseText: string;
    handle: (call: Call<P, Q, B>) => Promise<z.input<R>>;
  },
): Operation {
  const answer = async (call: Call<P, Q, B>) => ({
    status: spec.status,
    // Stored as JSON for a replay: the same text the first answer had (dates as ISO strings).
    body: z.record(z.string(), z.unknown()).parse(JSON.parse(JSON.stringify(await spec.handle(call)))),
  });
  return {
    method: spec.method,
    path: spec.path,
    scope: spec.scope,
    register: (registry) =>
      describe(registry, spec, {
        status: spec.status,
        description: spec.responseText,
        content: { 'application/json': { schema: spec.response } },
      }),
    mount: (router) =>
      route(router, spec.method, spec.path, async (ctx: ApiContext) => {
        const call = await callOf(ctx, spec);
        const key = spec.method === 'post' ? ctx.get('idempotency-key') : '';
        if (key && !IDEMPOTENCY_KEY.test(key))
          throw new AppError('invalid', 'api:problems.idempotencyKeyInvalid', {
            fields: { 'Idempotency-Key': 'api:problems.idempotencyKeyInvalid' },
          });
        const out = key
          ? await withIdempotency(
              call.app,
              { tokenId: call.caller.tokenId, key, requestHash: requestHash(ctx, call.file) },
              (app) => answer({ ...call, app }),
            )
          : { ...(await answer(call)), replayed: false };
        if (out.replayed) ctx.set('Idempotent-Replayed', 'true');
        ctx.status = out.status;
        ctx.body = out.body;
      }),
  };
}

/** A download: the file as it was stored, never shown inline. */
export function fileOperation<P extends z.ZodType = None>(
  spec: Spec<P, None, None> & {
    responseText: string;
    handle: (call: Call<P, None, None>) => Promise<FileAnswer>;
  },
): Operation {
  return {
    method: spec.method,
    path: spec.path,
    scope: spec.scope,
    register: (registry) =>
      describe(registry, spec, {
        status: 200,
        description: spec.responseText,
        content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
      }),
    mount: (router) =>
      route(router, spec.method, spec.path, async (ctx: ApiContext) => {
        const f = await spec.handle(await callOf(ctx, spec));
        ctx.set(
          'Content-Disposition',
          `attachment; filename="${f.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
        );
        ctx.set('Cache-Control', 'private, no-store');
        ctx.type = 'application/octet-stream';
        ctx.body = f.data;
      }),
  };
}
