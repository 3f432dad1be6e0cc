import { Readable } from 'node:stream';
import { convert } from 'html-to-text';
import {
  type AttachmentStream,
  type Headers,
  type HeaderValue,
  MailParser,
  type MessageText,
} from 'mailparser';
import sanitizeHtml from 'sanitize-html';

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Null when the file is over the limit: it was counted, not kept. */
  data: Buffer | null;
  inline: boolean;
}

export interface ParsedMail {
  messageId: string | null;
  from: { address: string; name: string } | null;
  subject: string;
  /** Lower-cased addresses of To, Cc, Delivered-To, X-Original-To. */
  recipients: string[];
  inReplyTo: string | null;
  references: string[];
  date: Date | null;
  /** Header name (lower case) → raw values, in order of appearance. */
  headerLines: Map<string, string[]>;
  contentType: string;
  text: string;
  /** Sanitised HTML (allow-list), or null. */
  html: string | null;
  attachments: ParsedAttachment[];
  /** Bounds the parse applied (e.g. HTML too deeply nested, read as plain text); empty for ordinary mail. */
  notes: string[];
}

export interface ParseLimits {
  maxAttachmentBytes: number;
  /** HTML longer than this is not turned into text by the parser (bounded cost on spam HTML). */
  maxHtmlLength?: number;
  timeoutMs?: number;
}

const MAX_HTML = 2 * 1024 * 1024;
const MAX_TEXT = 1024 * 1024;

const stripAngles = (v: string) => v.trim().replace(/^<|>$/g, '').trim();
const idList = (v: HeaderValue | undefined): string[] => {
  const s = Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : '';
  return (s.match(/<[^<>\s]+>/g) ?? (s.trim() ? s.trim().split(/\s+/) : [])).map(stripAngles).filter(Boolean);
};

function addresses(v: HeaderValue | undefined): { address: string; name: string }[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  const out: { address: string; name: string }[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null || !('value' in item) || !Array.isArray(item.value))
      continue;
    for (const a of item.value) {
      for (const one of a.group ?? [a]) {
        if (one.address) out.push({ address: one.address.toLowerCase(), name: one.name ?? '' });
      }
    }
  }
  return out;
}

function rawHeaderLines(lines: readonly { key: string; line: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  }
  return map;
}

export const htmlToText = (html: string): string =>
  convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  }).trim();

export const sanitize = (html: string): string =>
  sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'a').concat(['a', 'img']),
    allowedAttributes: { a: ['href', 'title'], img: ['alt', 'title'], td: ['colspan', 'rowspan'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    disallowedTagsMode: 'discard',
  });

/** HTML past any of these is not sanitised nor converted (both cost grows faster than its size): read as text. */
const HTML_MAX_DEPTH = 200;
const HTML_MAX_ELEMENTS = 20_000;
const HTML_MAX_LINKS = 5_000;
const VOID = new Set(
  'area base br col embed hr img input link meta source track wbr p li td th tr dt dd option thead tbody tfoot colgroup'.split(
    ' ',
  ),
);
// `[^<>]*` stops at the next `<`: each character is scanned once, whatever the markup (no backtracking blow-up).
const TAG = /<(\/?)([a-zA-Z][\w:-]*)[^<>]*>/g;

/** Why this HTML is beyond the bounds, or null: one linear pass, stopped at the first bound crossed. */
export function htmlBeyondBounds(html: string): string | null {
  let depth = 0;
  let elements = 0;
  let links = 0;
  for (const m of html.matchAll(TAG)) {
    const name = (m[2] as string).toLowerCase();
    if (m[1]) {
      if (!VOID.has(name)) depth = Math.max(0, depth - 1);
      continue;
    }
    if (++elements > HTML_MAX_ELEMENTS)
      return `HTML of over ${HTML_MAX_ELEMENTS} elements: read as plain text`;
    if (name === 'a' && ++links > HTML_MAX_LINKS)
      return `HTML with over ${HTML_MAX_LINKS} links: read as plain text`;
    // Elements without an end tag (void, or closed by their next sibling) never nest.
    if (!VOID.has(name) && !m[0].endsWith('/>') && ++depth > HTML_MAX_DEPTH)
      return `HTML nested over ${HTML_MAX_DEPTH} deep: read as plain text`;
  }
  return null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const BLOCK = /^(?:p|div|br|tr|li|h[1-6]|table|blockquote|pre|hr|ul|ol|dl|dt|dd)$/i;

/** The text of HTML in one linear pass, without building a tree: for HTML beyond the bounds. */
export function flatText(html: string): string {
  let out = '';
  let at = 0;
  let skipping: string | null = null;
  for (const m of html.matchAll(TAG)) {
    const name = (m[2] as string).toLowerCase();
    if (!skipping) out += html.slice(at, m.index);
    at = (m.index as number) + m[0].length;
    if (skipping) {
      if (m[1] && name === skipping) skipping = null;
    } else if (!m[1] && (name === 'script' || name === 'style')) skipping = name;
    else if (BLOCK.test(name)) out += '\n';
  }
  // A tag cut short where the HTML was truncated is not text.
  if (!skipping) out += html.slice(at).replace(/<[^<>]*$/, '');
  return out
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n[\s]*\n\s*/g, '\n\n')
    .trim();
}

/** Drains an attachment, keeping its bytes only while within the limit (memory stays bounded). */
function collect(att: AttachmentStream, limit: number): Promise<ParsedAttachment> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    att.content.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else chunks.length = 0;
    });
    att.content.once('error', reject);
    att.content.once('end', () => {
      att.release?.();
      resolve({
        filename: att.filename ?? (att.contentType === 'message/rfc822' ? 'message.eml' : 'attachment'),
        contentType: att.contentType,
        size,
        data: size <= limit ? Buffer.concat(chunks) : null,
        inline: att.contentDisposition === 'inline' || Boolean(att.related),
      });
    });
  });
}

/** A message in 64 KB views (no copy): mailparser then holds one slice at a time, not the decoded whole. */
function* slices(parts: readonly Buffer[]): Generator<Buffer> {
  for (const raw of parts)
    for (let at = 0; at < raw.length; at += 64 * 1024) yield raw.subarray(at, at + 64 * 1024);
}

/**
 * Streams a raw message through mailparser with bounds: no text-to-HTML linkify, HTML conversion capped,
 * attachments over the limit counted but not kept, and a time limit. Throws on a message it cannot read.
 */
export async function parseMail(raw: Buffer | readonly Buffer[], limits: ParseLimits): Promise<ParsedMail> {
  const parser = new MailParser({
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    skipHtmlToText: true,
    maxHtmlLengthToParse: limits.maxHtmlLength ?? MAX_HTML,
    checksumAlgo: false,
    keepDeliveryStatus: true,
  });
  let headers: Headers = new Map();
  let lines: Map<string, string[]> = new Map();
  let body: MessageText = { type: 'text' };
  const attachments: Promise<ParsedAttachment>[] = [];
  parser.on('headers', (h: Headers) => {
    headers = h;
  });
  parser.on('headerLines', (l: readonly { key: string; line: string }[]) => {
    lines = rawHeaderLines(l);
  });
  parser.on('data', (d: AttachmentStream | MessageText) => {
    if (d.type === 'text') body = d;
    else attachments.push(collect(d, limits.maxAttachmentBytes));
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.once('end', () => resolve());
    parser.once('error', reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      parser.destroy();
      reject(new Error('parse timeout'));
    }, limits.timeoutMs ?? 10_000);
  });
  try {
    Readable.from(slices(Buffer.isBuffer(raw) ? [raw] : raw)).pipe(parser);
    await Promise.race([done, timeout]);
    const files = await Promise.race([Promise.all(attachments), timeout]);
    return build(headers, lines, body, files);
  } finally {
    clearTimeout(timer);
  }
}

function build(
  headers: Headers,
  lines: Map<string, string[]>,
  body: MessageText,
  attachments: ParsedAttachment[],
): ParsedMail {
  const from = addresses(headers.get('from'))[0] ?? null;
  const recipients = [
    ...addresses(headers.get('to')),
    ...addresses(headers.get('cc')),
    ...(lines.get('delivered-to') ?? []).map((a) => ({ address: stripAngles(a).toLowerCase(), name: '' })),
    ...(lines.get('x-original-to') ?? []).map((a) => ({ address: stripAngles(a).toLowerCase(), name: '' })),
  ].map((a) => a.address);
  const notes: string[] = [];
  const rawHtml = typeof body.html === 'string' && body.html ? body.html.slice(0, MAX_HTML) : null;
  const beyond = rawHtml === null ? null : htmlBeyondBounds(rawHtml);
  if (beyond) notes.push(beyond);
  const html = rawHtml !== null && !beyond ? sanitize(rawHtml) : null;
  let text = typeof body.text === 'string' ? body.text : '';
  if (!text.trim() && html) text = htmlToText(html);
  else if (!text.trim() && rawHtml !== null && beyond) text = flatText(rawHtml);
  const ct = headers.get('content-type');
  const messageId = headers.get('message-id');
  const subject = headers.get('subject');
  const date = headers.get('date');
  return {
    messageId:
      typeof messageId === 'string' && stripAngles(messageId) ? stripAngles(messageId).slice(0, 500) : null,
    from,
    subject: typeof subject === 'string' ? subject.slice(0, 1000) : '',
    recipients,
    inReplyTo: idList(headers.get('in-reply-to'))[0] ?? null,
    references: idList(headers.get('references')).slice(-50),
    date: date instanceof Date && !Number.isNaN(date.getTime()) ? date : null,
    headerLines: lines,
    contentType:
      typeof ct === 'object' && ct !== null && 'value' in ct ? String(ct.value).toLowerCase() : 'text/plain',
    text: text.replace(/\r\n/g, '\n').slice(0, MAX_TEXT),
    html,
    attachments,
    notes,
  };
}
