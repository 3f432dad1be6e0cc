import { createApiToken } from '../../src/app/api/tokens.js';
import type { AppContext } from '../../src/app/context.js';
import type { ApiScope } from '../../src/domain/api-token.js';
import type { TestUser } from './fixtures.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body (problem or answer); null for an empty or non-JSON one. */
  json: Record<string, unknown> | null;
  text: string;
}

/** A token of the given admin with these scopes (every scope when none are named). */
export async function makeApiToken(
  app: AppContext,
  admin: TestUser,
  scopes: readonly ApiScope[] = ['read', 'tickets:write', 'admin'],
): Promise<{ id: number; token: string }> {
  return createApiToken(app, admin.actor, { name: `test ${scopes.join(' ')}`, scopes });
}

/** The fields a problem names (none when it names none). */
export const problemFields = (r: ApiResponse): string[] =>
  (Array.isArray(r.json?.errors) ? r.json.errors : []).map((e: { field: string }) => e.field);

/** The `items` of a list answer. */
export const itemsOf = <T>(r: ApiResponse): T[] => (Array.isArray(r.json?.items) ? r.json.items : []);

/** A client of /api/v1 with a bearer token (or none). */
export class ApiClient {
  constructor(
    readonly base: string,
    readonly token: string | null,
  ) {}

  async send(
    method: string,
    path: string,
    o: { body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (!o.form && o.body !== undefined) headers['content-type'] = 'application/json';
    const body = o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const res = await fetch(`${this.base}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, json, text };
  }

  get(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.send('GET', path, { headers });
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.send('POST', path, { body, headers });
  }

  patch(path: string, body: unknown): Promise<ApiResponse> {
    return this.send('PATCH', path, { body });
  }
}
