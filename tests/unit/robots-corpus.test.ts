import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/ingest/parse.js';
import { mayAutoAnswer, robotAddress, robotKind } from '../../src/ingest/robots.js';
import { corpusDir } from '../helpers/imap.js';

const ROBOTS = join(import.meta.dirname, '../fixtures/robots');
const SUPPORT = 'support@izarlink.example';
const emls = (dir: string): string[] =>
  readdirSync(dir)
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? emls(join(dir, f)) : [join(dir, f)]))
    .filter((p) => p.endsWith('.eml'))
    .sort();
const kindOf = async (file: string) =>
  robotKind(await parseMail(readFileSync(file), { maxAttachmentBytes: 2 * 1024 * 1024 }), SUPPORT);

describe('robot corpus (tests/fixtures/robots): delivery reports, carriers, out-of-office, no-reply', () => {
  it('recognises 100% of the corpus as robots', async () => {
    const files = emls(ROBOTS);
    expect(files.length).toBeGreaterThanOrEqual(60);
    const missed: string[] = [];
    const kinds: Record<string, number> = {};
    for (const f of files) {
      const r = await kindOf(f);
      if (!r) missed.push(f.slice(ROBOTS.length + 1));
      else kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    }
    process.stdout.write(`robots-corpus: ${files.length} messages; ${JSON.stringify(kinds)}\n`);
    expect(missed).toEqual([]);
  });

  it('names the kind: delivery reports are bounces, out-of-office and read receipts are auto-replies', async () => {
    for (const f of emls(ROBOTS)) {
      const name = f.slice(ROBOTS.length + 1);
      const r = await kindOf(f);
      if (name.startsWith('ooo-') || name.startsWith('mdn-')) expect(r?.kind, name).toBe('auto_reply');
      if (/^(postfix|sendmail|exim|qmail|exchange-ndr|gmail|docomo|softbank)-/.test(name))
        expect(r?.kind, name).toBe('bounce');
      if (name.startsWith('noreply-') || name.startsWith('donotreply-'))
        expect(r?.kind, name).toBe('automated');
    }
  });
});

describe('robot addresses are never answered', () => {
  it.each([
    ['MAILER-DAEMON@mx.example', 'bounce'],
    ['mailer-daemon', 'bounce'],
    ['Postmaster@ezweb.example', 'bounce'],
    ['MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example', 'bounce'],
    ['bounces+123-abc=x.example@em.example', 'bounce'],
    ['noreply@banco.example', 'automated'],
    ['no-reply@sns.amazonaws.com', 'automated'],
    ['alerts-noreply@monitor.example', 'automated'],
    ['do-not-reply@envios.example', 'automated'],
  ])('%s is a %s address', (address, kind) => {
    expect(robotAddress(address)).toBe(kind);
    expect(mayAutoAnswer(address)).toBe(false);
  });
  it.each([
    'juan@cliente.example',
    'noreplica@cliente.example',
    'postmasters-club@x.example',
    'bob@noreply.example',
  ])('%s is a person', (address) => {
    expect(robotAddress(address)).toBeNull();
    expect(mayAutoAnswer(address)).toBe(true);
  });
});

describe('people are not robots', () => {
  const person = (subject: string) =>
    parseMail(
      Buffer.from(
        `From: Juan <juan@cliente.example>\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <p@cliente.example>\r\n\r\nHola\r\n`,
      ),
      { maxAttachmentBytes: 1e6 },
    ).then((m) => robotKind(m, SUPPORT));
  it.each([
    'RV: Undeliverable: factura de noviembre',
    'Fwd: Undelivered Mail Returned to Sender',
    'Absence de connexion depuis hier',
    'Fuera de servicio la fibra',
    'Ausente la señal del router',
    'Automatización del router',
    'Read the invoice please',
    'Lucía: no funciona',
    'Mi correo me da error de entrega? no llegan los mails',
  ])('"%s" stays a person', async (subject) => {
    expect(await person(subject)).toBeNull();
  });

  const CORPUS = corpusDir();
  it.skipIf(!CORPUS)(
    'finds no robot among the customer replies of ../shared/corpus/talon-replies',
    async () => {
      const files = emls(join(CORPUS as string, 'talon-replies'));
      expect(files.length).toBeGreaterThanOrEqual(10);
      const robots: string[] = [];
      for (const f of files) {
        const r = await kindOf(f);
        if (r) robots.push(`${f}: ${r.kind} ${r.why}`);
      }
      expect(robots).toEqual([]);
    },
  );
});
