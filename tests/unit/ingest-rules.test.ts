import { describe, expect, it } from 'vitest';
import { agentCommands } from '../../src/ingest/commands.js';
import { parseMail } from '../../src/ingest/parse.js';
import { robotKind } from '../../src/ingest/robots.js';
import { senderAuthenticated } from '../../src/ingest/sender-auth.js';
import { buildMail } from '../helpers/imap.js';

const MX = 'mx.izarlink.test';

describe('Authentication-Results: only our authserv-id counts', () => {
  it('accepts DMARC pass or aligned DKIM pass from our MX', () => {
    expect(
      senderAuthenticated([`${MX}; dmarc=pass (p=reject) header.from=cliente.es`], MX, 'a@cliente.es').ok,
    ).toBe(true);
    expect(
      senderAuthenticated([`${MX}; dkim=pass header.d=cliente.es header.s=s1`], MX, 'a@cliente.es').ok,
    ).toBe(true);
  });
  it('refuses a pass for another domain, a fail, or results written by someone else', () => {
    expect(senderAuthenticated([`${MX}; dkim=pass header.d=evil.example`], MX, 'a@cliente.es').ok).toBe(
      false,
    );
    expect(senderAuthenticated([`${MX}; dmarc=fail header.from=cliente.es`], MX, 'a@cliente.es').ok).toBe(
      false,
    );
    expect(
      senderAuthenticated(['mx.evil.example; dmarc=pass header.from=cliente.es'], MX, 'a@cliente.es').ok,
    ).toBe(false);
    expect(senderAuthenticated([], MX, 'a@cliente.es').ok).toBe(false);
  });
  it('reads only the topmost header of our MX (a forged one further down does not help)', () => {
    const headers = [`${MX}; dmarc=fail header.from=cliente.es`, `${MX}; dmarc=pass header.from=cliente.es`];
    expect(senderAuthenticated(headers, MX, 'a@cliente.es').ok).toBe(false);
  });
});

describe('robots', () => {
  const kind = async (headers: Record<string, string>, from = 'a@cliente.es') =>
    robotKind(
      await parseMail(Buffer.from(buildMail({ from, headers })), { maxAttachmentBytes: 1e6 }),
      'support@izardesk.local',
    )?.kind ?? null;
  it('recognises auto-replies, lists, bounces and our own loop', async () => {
    expect(await kind({ 'Auto-Submitted': 'auto-replied' })).toBe('auto_reply');
    expect(await kind({ 'Auto-Submitted': 'no' })).toBeNull();
    expect(await kind({ 'X-Autorespond': 'yes' })).toBe('auto_reply');
    expect(await kind({ Precedence: 'bulk' })).toBe('auto_reply');
    expect(await kind({ 'List-Id': '<x.example>' })).toBe('list');
    expect(await kind({ 'Return-Path': '<>' })).toBe('auto_reply');
    expect(await kind({ 'X-Loop': 'support@izardesk.local' })).toBe('loop');
    expect(await kind({}, 'MAILER-DAEMON@mx.example')).toBe('bounce');
    expect(await kind({})).toBeNull();
  });
});

describe('agent commands', () => {
  it('reads commands on the first lines only and keeps the rest as text', () => {
    expect(agentCommands('#resolve\n#assign me\n\nCambiada la ONT.')).toEqual({
      commands: ['resolve', 'assign_me'],
      canned: [],
      rest: 'Cambiada la ONT.',
    });
    expect(agentCommands('Hola\n#close')).toEqual({ commands: [], canned: [], rest: 'Hola\n#close' });
    expect(agentCommands('#PENDING\n¿Qué modelo de router?').commands).toEqual(['pending']);
  });
});
