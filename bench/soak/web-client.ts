import { type Form, parseForms } from './forms.js';

export interface Timed {
  op: string;
  ms: number;
  ok: boolean;
  /** A 409: the state moved under the user; expected under concurrent load, not an error. */
  conflict?: boolean;
  /** A 429 with Retry-After: the product's flood rule refused a person going too fast, as it should. */
  limited?: boolean;
  detail?: string;
}

/** A browser-like session: cookies kept, redirects not followed (their Location is the answer), timings recorded. */
export class WebSession {
  private cookies = new Map<string, string>();

  /** `clientAddress`: sent as X-Forwarded-For, for a server behind a trusted proxy (one address per person). */
  constructor(
    readonly base: string,
    private readonly record: (t: Timed) => void,
    private readonly clientAddress?: string,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (pair && i > 0) this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }

  async request(op: string, path: string, init: RequestInit = {}): Promise<Response> {
    const started = performance.now();
    const res = await fetch(new URL(path, this.base), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: this.cookieHeader(),
        ...(this.clientAddress ? { 'x-forwarded-for': this.clientAddress } : {}),
      },
    });
    this.keepCookies(res);
    // The whole body counts in the latency, as for a browser.
    const body = await res.text();
    const ms = performance.now() - started;
    const ok = res.status < 400;
    const detail = ok
      ? undefined
      : `${init.method ?? 'GET'} ${path} -> ${res.status}: ${body.replace(/\s+/g, ' ').slice(0, 200)}`;
    const limited = res.status === 429 && res.headers.has('retry-after');
    this.record({ op, ms, ok, conflict: res.status === 409, limited, detail });
    return new Response(body, { status: res.status, headers: res.headers });
  }

  async forms(op: string, path: string): Promise<{ status: number; forms: Form[]; html: string }> {
    const res = await this.request(op, path);
    const html = await res.text();
    return { status: res.status, forms: parseForms(html, new URL(path, this.base).toString()), html };
  }

  /** Submits like the browser would: multipart when the form says so, urlencoded otherwise. */
  post(op: string, form: Form, data: URLSearchParams): Promise<Response> {
    if (!form.multipart) {
      return this.request(op, form.action, {
        method: 'POST',
        body: data,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    const body = new FormData();
    for (const [k, v] of data) body.append(k, v);
    return this.request(op, form.action, { method: 'POST', body });
  }
}
