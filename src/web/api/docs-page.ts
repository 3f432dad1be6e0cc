import { AGENT_CSS_PATH } from '../agent/page.js';
import { HTTP_STATUS } from '../errors.js';
import { html, type SafeHtml } from '../html.js';
import { assetUrl } from '../static-files.js';
import { API_BASE } from './context.js';
import type { OpenApiDocument } from './openapi.js';

/**
 * The API reference, rendered on the server from the OpenAPI document (no script, nothing from elsewhere; the
 * agent area's stylesheet for its tables, which scroll within themselves on a phone): the
 * conventions first (authentication, scopes, idempotency, problems, rate limit), then every operation and the
 * shared schemas. In English, as the document is.
 */

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Text with `code` spans. */
const inline = (text: string): SafeHtml =>
  html`${text.split(/`([^`]*)`/).map((part, i) => (i % 2 ? html`<code>${part}</code>` : part))}`;

const refName = (ref: string): string => ref.replace('#/components/schemas/', '');

/** A schema in one line: its type, with links to named schemas. */
function typeOf(schema: unknown): SafeHtml {
  if (!isJson(schema)) return html`any`;
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return html`<a href="#schema-${name}">${name}</a>`;
  }
  for (const [k, join] of [
    ['oneOf', ' | '],
    ['anyOf', ' | '],
    ['allOf', ' & '],
  ] as const)
    if (Array.isArray(schema[k]))
      return html`${list(schema[k]).map((s, i) => html`${i ? join : ''}${typeOf(s)}`)}`;
  if (Array.isArray(schema.enum)) return html`${schema.enum.map((v) => JSON.stringify(v)).join(' | ')}`;
  const types = Array.isArray(schema.type) ? schema.type.map(str) : [str(schema.type) || 'any'];
  const main = types.filter((t) => t !== 'null');
  const shown = main.map((t) =>
    t === 'array'
      ? html`array of ${typeOf(schema.items)}`
      : html`${t}${typeof schema.format === 'string' ? ` (${schema.format})` : ''}`,
  );
  return html`${shown.map((s, i) => html`${i ? ' | ' : ''}${s}`)}${types.includes('null') ? ' | null' : ''}`;
}

/** The properties of an object schema as a table (nested objects one level down, in their own row). */
function propertiesTable(schema: unknown, caption: string): SafeHtml | '' {
  if (!isJson(schema) || !isJson(schema.properties)) return '';
  const required = new Set(list(schema.required).map(str));
  return html`<div class="table-wrap"><table class="data" tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>
${Object.entries(schema.properties).map(([name, p]) => {
  const extra = isJson(p)
    ? [
        typeof p.minLength === 'number' || typeof p.maxLength === 'number'
          ? `length ${p.minLength ?? 0}–${p.maxLength ?? '∞'}`
          : '',
        typeof p.minimum === 'number' || typeof p.maximum === 'number'
          ? `from ${p.minimum ?? '−∞'} to ${p.maximum ?? '∞'}`
          : '',
        'default' in p ? `default ${JSON.stringify(p.default)}` : '',
      ].filter(Boolean)
    : [];
  return html`<tr><th scope="row"><code>${name}</code></th><td>${typeOf(p)}</td><td>${required.has(name) ? 'yes' : 'no'}</td>
<td>${inline(isJson(p) ? str(p.description) : '')}${extra.length ? html` <span class="hint">(${extra.join('; ')})</span>` : ''}</td></tr>`;
})}
</tbody></table></div>`;
}

function parametersTable(params: unknown[]): SafeHtml | '' {
  const rows = params.filter(isJson);
  if (!rows.length) return '';
  return html`<div class="table-wrap"><table class="data" tabindex="0"><caption>Parameters</caption>
<thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>
${rows.map(
  (p) =>
    html`<tr><th scope="row"><code>${str(p.name)}</code></th><td>${str(p.in)}</td><td>${typeOf(p.schema)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${inline(str(p.description) || (isJson(p.schema) ? str(p.schema.description) : ''))}</td></tr>`,
)}
</tbody></table></div>`;
}

/** One operation: what it does, its scope, its input and its answers. */
function operationSection(method: string, path: string, op: Json): SafeHtml {
  const anchor = str(op.operationId);
  const body = isJson(op.requestBody) && isJson(op.requestBody.content) ? op.requestBody.content : {};
  const responses = isJson(op.responses) ? op.responses : {};
  return html`<section class="card api-operation" id="${anchor}" aria-labelledby="${anchor}-title">
<h3 id="${anchor}-title"><code>${method.toUpperCase()} ${API_BASE}${path}</code> — ${str(op.summary)}</h3>
${str(op.description)
  .split('\n\n')
  .map((p) => html`<p>${inline(p)}</p>`)}
${parametersTable(list(op.parameters))}
${Object.entries(body).map(([type, media]) =>
  isJson(media) && isJson(media.schema) && typeof media.schema.$ref !== 'string'
    ? propertiesTable(media.schema, `Body (${type})`)
    : html`<p>Body (${type}): ${isJson(media) ? typeOf(media.schema) : ''}</p>`,
)}
<h4>Answers</h4>
<ul>${Object.entries(responses).map(([status, r]) => {
    const content = isJson(r) && isJson(r.content) ? r.content : {};
    return html`<li><strong>${status}</strong> ${isJson(r) ? inline(str(r.description)) : ''}${Object.entries(
      content,
    ).map(
      ([type, media]) =>
        html` <code>${type}</code>${isJson(media) && media.schema ? html`: ${typeOf(media.schema)}` : ''}`,
    )}</li>`;
  })}</ul>
</section>`;
}

const PROBLEM_TEXT: Record<string, string> = {
  invalid:
    'The request is not valid (422; 400 for a body that cannot be read, 405 for a wrong method): `errors` lists each field at fault with the message key of the rule and its text.',
  unauthorized: 'No token, an unknown or revoked one, or one whose creator can no longer act (401).',
  forbidden: 'The token lacks the scope the operation needs, or its creator may not do this (403).',
  not_found: 'No such resource, or no operation at this address (404).',
  conflict: 'The resource is not in a state that allows it, e.g. a closed ticket (409).',
  rate_limited: 'The token used up its requests of the minute (429); `Retry-After` says when to try again.',
  too_large: 'The upload is over the attachment limit (413).',
  internal: 'A failure on our side (500), logged; no details are given.',
};

/** The whole reference page. */
export function docsPage(doc: OpenApiDocument, companyName: string): string {
  const paths = isJson(doc.paths) ? doc.paths : {};
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    isJson(item)
      ? Object.entries(item).flatMap(([method, op]) => (isJson(op) ? [{ method, path, op }] : []))
      : [],
  );
  const tags = [...new Set(operations.map((o) => str(list(o.op.tags)[0])))];
  const components = isJson(doc.components) && isJson(doc.components.schemas) ? doc.components.schemas : {};
  const codes = [...Object.keys(HTTP_STATUS), 'internal'];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · ${companyName}</title>
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="stylesheet" href="${AGENT_CSS_PATH}">
</head>
<body>
<main id="main" class="main">
<h1>${companyName} API reference</h1>
<p class="lead">JSON over HTTPS at <code>${API_BASE}</code>. The machine-readable description is <a href="${API_BASE}/openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<nav class="card" aria-labelledby="toc"><h2 id="toc">Contents</h2><ul>
<li><a href="#authentication">Authentication and scopes</a></li>
<li><a href="#idempotency">Idempotency</a></li>
<li><a href="#problems">Errors (problem types)</a></li>
<li><a href="#rate-limit">Rate limit</a></li>
${tags.map((t) => html`<li><a href="#tag-${t}">${t}</a></li>`)}
<li><a href="#schemas">Schemas</a></li>
</ul></nav>
<section class="card" id="authentication" aria-labelledby="authentication-title"><h2 id="authentication-title">Authentication and scopes</h2>
<p>Every operation takes a token in the <code>Authorization: Bearer izd_…</code> header; no cookies, so no CSRF token either. An admin creates tokens at <code>/agent/admin/api-tokens</code> (the value is shown once) and may revoke them there. A token acts as the admin who created it: the history of a ticket names that person.</p>
<ul><li><code>read</code>: every <code>GET</code> of tickets and attachments.</li>
<li><code>tickets:write</code>: opening tickets and working on them (follow-ups, notes, status changes, assignment, major incidents, uploads).</li>
<li><code>admin</code>: customers, companies and services (reading them too).</li></ul>
</section>
<section class="card" id="idempotency" aria-labelledby="idempotency-title"><h2 id="idempotency-title">Idempotency</h2>
<p>A <code>POST</code> may carry an <code>Idempotency-Key</code> header (1 to 200 printable characters, e.g. a UUID). The first request with a key runs and its answer is stored with the key, in the same transaction as the change; a retry with the same key and the same body gets that answer again (with <code>Idempotent-Replayed: true</code>) and changes nothing. The same key with another body is refused (422). A request that failed stores nothing and may be retried. Keys belong to their token.</p>
</section>
<section class="card" id="problems" aria-labelledby="problems-title"><h2 id="problems-title">Errors (problem types)</h2>
<p>Errors are <code>application/problem+json</code> (RFC 9457): <code>type</code> (a link to its entry below), <code>title</code>, <code>status</code>, <code>detail</code> (in the language of <code>Accept-Language</code>: English, Spanish or French), <code>code</code> (the same codes as the web) and, for invalid input, <code>errors</code>: <code>[{ "field", "code", "detail" }]</code>.</p>
<dl>${codes.map((c) => html`<dt id="problem-${c}"><code>${c}</code></dt><dd>${inline(PROBLEM_TEXT[c] ?? '')}</dd>`)}</dl>
</section>
<section class="card" id="rate-limit" aria-labelledby="rate-limit-title"><h2 id="rate-limit-title">Rate limit</h2>
<p>Each token may make <code>API_RATE_PER_MINUTE</code> requests a minute (600 by default), in fixed one-minute windows. Answers carry <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code> (seconds); over the limit the answer is 429 with <code>Retry-After</code>.</p>
</section>
${tags.map(
  (tag) => html`<section aria-labelledby="tag-${tag}"><h2 id="tag-${tag}">${tag}</h2>
${operations.filter((o) => str(list(o.op.tags)[0]) === tag).map((o) => operationSection(o.method, o.path, o.op))}
</section>`,
)}
<section aria-labelledby="schemas"><h2 id="schemas">Schemas</h2>
${Object.entries(components).map(
  ([
    name,
    schema,
  ]) => html`<section class="card" id="schema-${name}" aria-labelledby="schema-${name}-title"><h3 id="schema-${name}-title">${name}</h3>
${propertiesTable(schema, name)}</section>`,
)}
</section>
</main>
</body>
</html>`.value;
}
