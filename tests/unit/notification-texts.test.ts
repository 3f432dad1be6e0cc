import { describe, expect, it } from 'vitest';
import { checkNotificationTexts } from '../../src/app/agent/notification-texts.js';
import { LANGUAGES } from '../../src/config/config.js';
import { AppError } from '../../src/domain/errors.js';
import {
  EDITABLE_TEXTS,
  normalizeText,
  placeholdersIn,
  textProblem,
} from '../../src/domain/notification-texts.js';
import { mailDefault, mailPlaceholders } from '../../src/i18n/mail-texts.js';
import { stringsFor } from '../../src/outbound/strings.js';
import { TEMPLATE_NAMES } from '../../src/outbound/templates.js';

// Issue 17: the admins' wording of the mails is plain text with the placeholders its default uses.
const allowed = new Set(['ref', 'name']);

describe('the placeholder check of an admin text', () => {
  it('takes the placeholders of the default, with or without spaces inside the braces', () => {
    expect(
      textProblem('Votre ticket {{ref}} est pris en charge, {{ name }}.', 'paragraph', allowed),
    ).toBeNull();
    expect(placeholdersIn('{{ref}} {{ name }} {{ref}}')).toEqual(['ref', 'name']);
  });

  it('refuses an unknown placeholder, naming each one once', () => {
    expect(
      textProblem('Bonjour {{client}}, ticket {{ref}} {{client}} {{numero}}', 'paragraph', allowed),
    ).toEqual({
      key: 'texts:errors.unknownPlaceholder',
      names: ['client', 'numero'],
    });
  });

  it('refuses braces that make no placeholder, a subject on two lines, an empty or huge text', () => {
    expect(textProblem('Ticket {{ref} ouvert', 'paragraph', allowed)?.key).toBe('texts:errors.braces');
    expect(textProblem('Ticket }} {{ref}}', 'paragraph', allowed)?.key).toBe('texts:errors.braces');
    expect(textProblem('Ligne une\nligne deux', 'subject', allowed)?.key).toBe('texts:errors.oneLine');
    expect(textProblem('Ligne une\nligne deux', 'paragraph', allowed)).toBeNull();
    expect(textProblem('', 'button', allowed)?.key).toBe('texts:errors.empty');
    expect(textProblem('x'.repeat(2001), 'paragraph', allowed)?.key).toBe('texts:errors.tooLong');
  });

  it('keeps HTML as text: tags are not refused, they are escaped where the mail shows them', () => {
    expect(textProblem('<b>Important</b> {{ref}}', 'paragraph', allowed)).toBeNull();
  });

  it('normalizes line breaks and blanks as browsers send them', () => {
    expect(normalizeText('  Ligne une\r\nligne deux\r \n')).toBe('Ligne une\nligne deux');
  });
});

describe('the catalogue of editable texts', () => {
  it('covers every mail, and every text has a default in every language', () => {
    expect(Object.keys(EDITABLE_TEXTS).sort()).toEqual([...TEMPLATE_NAMES].sort());
    const missing = Object.values(EDITABLE_TEXTS).flatMap((texts) =>
      texts.flatMap((t) => LANGUAGES.filter((l) => !mailDefault(l, t.key)).map((l) => `${l}:${t.key}`)),
    );
    expect(missing).toEqual([]);
  });

  it('allows the placeholders the defaults use, in any language', () => {
    expect([...mailPlaceholders('hello')]).toEqual(['name']);
    expect([...mailPlaceholders('subjectFormat')].sort()).toEqual(['label', 'title']);
    expect([...mailPlaceholders('resolved.autoClose_other')]).toEqual(['count']);
    expect([...mailPlaceholders('resolved.approve')]).toEqual([]);
  });
});

describe('checking a form of texts', () => {
  const form = (texts: Record<string, string>) => ({ template: 'ticket-created', language: 'fr', texts });

  it('keeps only the texts that differ from their default', () => {
    const changed = checkNotificationTexts(
      form({
        'subject.created_incident': 'Incident bien reçu',
        hello: `  ${mailDefault('fr', 'hello')}\r\n`,
        viewTicket: mailDefault('fr', 'viewTicket') ?? '',
      }),
    );
    expect([...changed]).toEqual([['subject.created_incident', 'Incident bien reçu']]);
  });

  it('names the unknown placeholders for the form and for their own field', () => {
    let error: unknown;
    try {
      checkNotificationTexts(
        form({ hello: 'Bonjour {{prenom}},', 'typed.created_incident': 'Ticket {{numero}}' }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('invalid');
    expect(e.messageKey).toBe('texts:errors.unknownSummary');
    expect(e.fields).toEqual({
      hello: 'texts:errors.unknownPlaceholder',
      'typed.created_incident': 'texts:errors.unknownPlaceholder',
    });
    expect(e.params).toMatchObject({
      names: '{{prenom}}, {{numero}}',
      'names:hello': '{{prenom}}',
      'names:typed.created_incident': '{{numero}}',
    });
  });

  it('refuses a mail or a language that does not exist', () => {
    expect(() => checkNotificationTexts({ template: 'nope', language: 'fr', texts: {} })).toThrow(AppError);
    expect(() => checkNotificationTexts({ template: 'ticket-created', language: 'de', texts: {} })).toThrow(
      AppError,
    );
  });
});

describe("a mail's strings with the admins' texts", () => {
  it('take the override first, plurals included, and fill its placeholders', () => {
    const tr = stringsFor(
      'fr',
      new Map([
        ['mail:hello', 'Salut {{name}} !'],
        ['mail:resolved.autoClose_other', 'Clôture auto dans {{count}} jours.'],
      ]),
    );
    expect(tr('mail:hello', { name: 'Marie' })).toBe('Salut Marie !');
    expect(tr('mail:resolved.autoClose', { count: 7 })).toBe('Clôture auto dans 7 jours.');
    expect(tr('mail:resolved.autoClose', { count: 1 })).toBe(
      (mailDefault('fr', 'resolved.autoClose_one') ?? '').replace('{{count}}', '1'),
    );
    expect(stringsFor('fr')('mail:hello', { name: 'Marie' })).toBe('Bonjour Marie,');
  });
});
