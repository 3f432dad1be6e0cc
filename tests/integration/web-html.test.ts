import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/web/auth.js';
import { html, multiline, raw } from '../../src/web/html.js';
import { contentDisposition } from '../../src/web/portal/ticket-routes.js';

describe('web building blocks', () => {
  it('escapes every interpolated value unless it is SafeHtml', () => {
    const evil = `<script>alert("x")</script>&'`;
    const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${raw('<i>ok</i>')}${null}${false}${0}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;'.repeat(2) +
        '<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b><i>ok</i>0</p>',
    );
    expect(multiline('a<b>\r\nc').value).toBe('a&lt;b&gt;<br>c');
  });

  it('builds RFC 5987 download names with an ASCII fallback', () => {
    expect(contentDisposition('factura "oct" ñ.pdf')).toBe(
      `attachment; filename="factura _oct_ _.pdf"; filename*=UTF-8''factura%20%22oct%22%20%C3%B1.pdf`,
    );
    expect(contentDisposition("it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`,
    );
  });

  it('only returns to local paths after login', () => {
    expect(safeNext('/tickets/5?tab=followup')).toBe('/tickets/5?tab=followup');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      undefined,
    ])
      expect(safeNext(bad)).toBe('/');
  });
});
