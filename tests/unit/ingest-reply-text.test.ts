import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText, parseMail, sanitize } from '../../src/ingest/parse.js';
import { extractReply } from '../../src/ingest/reply-text.js';
import { corpusDir } from '../helpers/imap.js';

const CORPUS = corpusDir() ?? '';
const have = CORPUS !== '';
if (!have)
  process.stdout.write('ingest-reply-text: ../shared/corpus not found; the corpus cases are SKIPPED\n');

const squeeze = (s: string) => s.replace(/\n{2,}/g, '\n').trim();

describe('reply text of our own Spanish, French and English samples', () => {
  const cases: [string, string, string][] = [
    [
      'Gmail es',
      'Hola, sigue sin funcionar.\n\nEl lun, 23 nov 2026 a las 10:00, Soporte IzarLink (<support@izardesk.local>) escribió:\n> Hemos revisado la línea\n> gracias',
      'Hola, sigue sin funcionar.',
    ],
    [
      'Gmail fr',
      'Bonjour, toujours en panne.\n\nLe lun. 23 nov. 2026 à 10:00, Support <support@izardesk.local> a écrit :\n> Nous avons vérifié',
      'Bonjour, toujours en panne.',
    ],
    [
      'Outlook es',
      'Sigue igual.\n\n________________________________\nDe: IzarLink Support <support@izardesk.local>\nEnviado: lunes, 23 de noviembre de 2026 10:00\nPara: Juan <juan@x.es>\nAsunto: [IZL-000001] Sin conexión\n\nHemos revisado la línea',
      'Sigue igual.',
    ],
    [
      'Outlook es without rule',
      'Ya funciona, gracias.\n\nDe: IzarLink Support <support@izardesk.local>\nEnviado el: lunes, 23 de noviembre de 2026 10:00\nPara: Juan\nAsunto: RE: [IZL-000001]\n\nHemos revisado',
      'Ya funciona, gracias.',
    ],
    [
      'Outlook fr',
      "Merci, c'est réparé.\n\nDe : Support IzarLink <support@izardesk.local>\nEnvoyé : lundi 23 novembre 2026 10:00\nÀ : Marie\nObjet : [IZL-000002]\n\nNous avons",
      "Merci, c'est réparé.",
    ],
    [
      'Apple Mail fr',
      'Toujours lent le soir.\n\n> Le 23 nov. 2026 à 10:00, Support IzarLink <support@izardesk.local> a écrit :\n>\n> Bonjour',
      'Toujours lent le soir.',
    ],
    [
      'Thunderbird es',
      'Adjunto la captura.\n\nEl 23/11/26 a las 10:00, Soporte escribió:\n> ¿Puede enviarnos una captura?',
      'Adjunto la captura.',
    ],
    [
      'Mensaje original',
      'Perfecto.\n\n-----Mensaje original-----\nDe: Soporte\nEnviado: lunes\nAsunto: x\n\ntexto',
      'Perfecto.',
    ],
    ['signature', 'La ONT parpadea en rojo.\n\n-- \nJuan Pérez\nCliente SL', 'La ONT parpadea en rojo.'],
    [
      'sent from mobile es',
      'Sigue cortándose.\n\nEnviado desde mi iPhone\n\nEl 23 nov 2026, a las 10:00, Soporte <support@izardesk.local> escribió:\n> x',
      'Sigue cortándose.',
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => expect(extractReply(text)).toBe(expected));
  }
});

describe.skipIf(!have)('reply text of the talon-replies corpus (real clients)', () => {
  const dir = join(CORPUS, 'talon-replies');
  const emls = have ? readdirSync(join(dir, 'standard_replies')).filter((f) => f.endsWith('.eml')) : [];
  for (const f of emls) {
    it(`standard reply ${f}`, async () => {
      const m = await parseMail(readFileSync(join(dir, 'standard_replies', f)), { maxAttachmentBytes: 2e6 });
      const expectedFile = join(dir, 'standard_replies', f.replace('.eml', '_reply_text'));
      // The expected files keep the client's signature ("Sent from my iPhone"); the product strips signatures.
      const expected = existsSync(expectedFile)
        ? (readFileSync(expectedFile, 'utf8').split(/\n\s*\n/)[0] ?? '')
        : 'Hello';
      expect(extractReply(m.text)).toBe(expected.trim());
    });
  }
  const htmls = have ? readdirSync(join(dir, 'html_replies')) : [];
  for (const f of htmls) {
    it(`HTML reply ${f}`, () => {
      const text = htmlToText(sanitize(readFileSync(join(dir, 'html_replies', f), 'utf8')));
      expect(squeeze(extractReply(text))).toBe('Hi. I am fine.\nThanks,\nAlex');
    });
  }
});

describe.skipIf(!have)('reply text of the email-reply-parser corpus (bodies)', () => {
  const read = (f: string) => readFileSync(join(CORPUS, 'email-reply-parser', f), 'utf8');
  const expected: Record<string, string> = {
    'email_BlackBerry.txt': 'Here is another email',
    'email_iPhone.txt': 'Here is another email',
    'email_multi_word_sent_from_my_mobile_device.txt': 'Here is another email',
    'email_sent_from_my_not_signature.txt': 'Here is another email',
    'email_1_7.txt': ':+1:',
    'email_2_1.txt': 'Outlook with a reply',
    'email_2_2.txt': 'Outlook with a reply directly above line',
    'email_2_3.txt': 'Outlook with a reply directly above line',
    'correct_sig.txt': 'this is an email with a correct -- signature.',
    'email_1_4.txt': "Awesome! I haven't had another problem with it.",
  };
  for (const [f, text] of Object.entries(expected)) it(f, () => expect(extractReply(read(f))).toBe(text));
  it('keeps what only looks like a signature or an "On … wrote:" line', () => {
    expect(extractReply(read('email_sig_delimiter_in_middle_of_line.txt'))).toContain('kthxbai');
    expect(extractReply(read('greedy_on.txt'))).toContain('telnet 127.0.0.1 52698');
  });
  it('leaves no quoted line in any body', () => {
    for (const f of readdirSync(join(CORPUS, 'email-reply-parser')).filter((x) => x.endsWith('.txt'))) {
      const out = extractReply(read(f));
      expect(
        out.split('\n').filter((l) => l.startsWith('>')),
        f,
      ).toEqual([]);
    }
  });
});
