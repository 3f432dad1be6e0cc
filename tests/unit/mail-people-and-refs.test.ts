import { describe, expect, it } from 'vitest';
import { noteAddress, toNoteAddress } from '../../src/domain/note-address.js';
import { personName } from '../../src/domain/person-name.js';
import { findReferences } from '../../src/domain/reference.js';
import { agentCommands } from '../../src/ingest/commands.js';

describe('references named in a body', () => {
  it('finds the strict IZL-000001 form, each once, in order', () => {
    expect(findReferences('IZL', 'Como en IZL-000012, y en izl-7; IZL-000012 otra vez.')).toEqual([12, 7]);
  });
  it('ignores the loose forms and look-alikes', () => {
    expect(findReferences('IZL', 'ticket #12, [#13], IZL 14, XIZL-000015, IZL-, MIZL-16')).toEqual([]);
  });
});

describe('the note address', () => {
  it('is the support address with +note, whatever the case it arrives in', () => {
    expect(noteAddress('Support@IzarLink.example')).toBe('support+note@izarlink.example');
    expect(toNoteAddress('support@izarlink.example', ['x@y.example', 'SUPPORT+NOTE@izarlink.example'])).toBe(
      true,
    );
    expect(toNoteAddress('support@izarlink.example', ['support+t1.u2.abc@izarlink.example'])).toBe(false);
  });
  it('#nota and #note are note commands', () => {
    expect(agentCommands('#nota\n\nTexto').commands).toEqual(['note']);
    expect(agentCommands('#note\n#assign me\nText')).toEqual({
      commands: ['note', 'assign_me'],
      canned: [],
      rest: 'Text',
    });
  });
});

describe('who looks like a person', () => {
  it.each([
    ['maria.lopez@nuevo.example', 'María López', 'María López'],
    ['maria.lopez@nuevo.example', '', 'Maria Lopez'],
    ['jon_ruiz@talleres.example', null, 'Jon Ruiz'],
    ['"ana"@x.example', '"Ana Pérez"', 'Ana Pérez'],
  ])('%s (%s) is %s', (address, name, want) => {
    expect(personName(address, name)).toBe(want);
  });
  it.each([
    ['x7@robotico.example', ''],
    ['12345@numbers.example', ''],
    ['info@empresa.example', 'info@empresa.example'],
    ['someone@localhost', 'Some One'],
    ['a.b.c.d.e@x.example', ''],
    ['q@x.example', 'https://spam.example'],
  ])('%s (%s) is not', (address, name) => {
    expect(personName(address, name)).toBeNull();
  });
});
