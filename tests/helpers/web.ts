import { type AddressInfo, createServer } from 'node:net';
import { afterAll } from 'vitest';
import type { Services } from '../../src/runtime/services.js';
import { createWebServer } from '../../src/web/server.js';
import { TEST_PASSWORD } from './fixtures.js';

/** A port free right now, for a server whose URL must be known before it starts (PUBLIC_URL of mail links). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The web server of these services (with its timeouts) on a random (or the given) port, closed after the file. Returns its base URL. */
export async function startTestWeb(s: Services, port = 0): Promise<string> {
  const server = createWebServer(s, { health: {} }).listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser-like client: keeps cookies, does not follow redirects, and finds the CSRF token of the last page. */
export class WebClient {
  private cookies = new Map<string, string>();
  csrf = '';
  /** Sent with every request (e.g. the X-Forwarded-For a proxy adds). */
  headers: Record<string, string> = {};

  constructor(readonly base: string) {}

  /** The Cookie header this client sends (for raw sockets that act as the same browser). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(path: string, init: RequestInit): Promise<WebResponse> {
    // An absolute URL reaches another server as the same browser (a sign-in provider's pages).
    const url = /^https?:\/\//.test(path) ? path : this.base + path;
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(init.headers ?? {}), cookie: this.cookieHeader() },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m?.[1]) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  /** The same browser (its cookies and token) talking to another server, e.g. a second web process. */
  on(base: string): WebClient {
    const c = new WebClient(base);
    c.cookies = new Map(this.cookies);
    c.csrf = this.csrf;
    c.headers = { ...this.headers };
    return c;
  }

  get(path: string): Promise<WebResponse> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a urlencoded form; the CSRF token is added unless `_csrf` is given (null = send none). */
  post(path: string, fields: Record<string, string>, csrf: string | null = this.csrf): Promise<WebResponse> {
    const body = new URLSearchParams(fields);
    if (csrf !== null && !('_csrf' in fields)) body.set('_csrf', csrf);
    return this.send(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Posts a multipart form with an optional file; the CSRF token goes in the URL, as the upload forms put it. */
  postMultipart(
    path: string,
    fields: Record<string, string>,
    file?: { field: string; name: string; type: string; data: Buffer },
    csrf: string | null = this.csrf,
  ): Promise<WebResponse> {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    if (file) fd.set(file.field, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    const url =
      csrf === null ? path : `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`;
    return this.send(url, { method: 'POST', body: fd });
  }

  /** Signs in through the login form. */
  async login(email: string, password = TEST_PASSWORD): Promise<WebResponse> {
    await this.get('/login');
    const res = await this.post('/login', { email, password });
    if (res.status !== 303) throw new Error(`login failed with ${res.status}`);
    return res;
  }
}
