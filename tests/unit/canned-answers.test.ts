import { describe, expect, it } from 'vitest';
import { renderCannedAnswer, unknownPlaceholders } from '../../src/domain/canned-answer.js';
import { agentCommands, cannedWord } from '../../src/ingest/commands.js';
import { textToHtml } from '../../src/outbound/html.js';

const all = { customer_name: 'Ana Pérez', reference: 'IZL-000042', service: 'Fibra 600', agent_name: 'Luis' };

describe('canned answer placeholders', () => {
  it.each([
    ['Hola {{customer_name}}, su ticket {{reference}}.', all, 'Hola Ana Pérez, su ticket IZL-000042.'],
    ['{{ service }} / {{agent_name}}', all, 'Fibra 600 / Luis'],
    ['Hola {{customer_name}}, gracias.', {}, 'Hola, gracias.'],
    ['Estimado {{customer_name}} le escribimos', {}, 'Estimado le escribimos'],
    ['{{customer_name}} hello', { customer_name: null }, 'hello'],
    ['Bonjour {{customer_name}} !', {}, 'Bonjour!'],
    ['Bonjour {{customer_name}} !', { customer_name: 'Luc' }, 'Bonjour Luc !'],
    ['Servicio: {{service}}\nFirmado', { service: '   ' }, 'Servicio:\nFirmado'],
    ['Ref {{reference}}', { reference: 'IZL-1\r\nBcc: x@y' }, 'Ref IZL-1 Bcc: x@y'],
  ])('%j → %j', (body, values, expected) => {
    expect(renderCannedAnswer(body, values)).toBe(expected);
  });

  it('replaces in one pass: a value that looks like a placeholder stays as written', () => {
    expect(
      renderCannedAnswer('{{customer_name}}', { customer_name: '{{agent_name}}', agent_name: 'X' }),
    ).toBe('{{agent_name}}');
  });

  it('leaves unknown names alone, and names them for the form', () => {
    expect(renderCannedAnswer('Hola {{nombre}}', all)).toBe('Hola {{nombre}}');
    expect(unknownPlaceholders('{{nombre}} {{ reference }} {{nombre}} {{Service}}')).toEqual([
      '{{nombre}}',
      '{{Service}}',
    ]);
    expect(unknownPlaceholders('{{customer_name}}, {{ agent_name }}')).toEqual([]);
  });

  it('is plain text: markup in a value or in the body is escaped where follow-ups become HTML', () => {
    const text = renderCannedAnswer('<b>Hola</b> {{customer_name}}\nAdiós', {
      customer_name: '<script>alert(1)</script> & Co',
    });
    expect(text).toBe('<b>Hola</b> <script>alert(1)</script> & Co\nAdiós');
    expect(textToHtml(text)).toBe(
      '&lt;b&gt;Hola&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co<br />Adiós',
    );
  });
});

describe('canned answers named in an agent mail', () => {
  it.each([
    ['#respuesta reinicio\n\nY mire las luces.', [], ['reinicio'], 'Y mire las luces.'],
    ['#answer  Router-Reset\n', [], ['router-reset'], ''],
    ['#réponse redémarrage\nMerci', [], ['redémarrage'], 'Merci'],
    ['#reponse redémarrage', [], ['redémarrage'], ''],
    [
      '#asignarme\n#respuesta falta info\n#respuesta falta info\nGracias',
      ['assign_me'],
      ['falta info'],
      'Gracias',
    ],
    ['#respuesta a\n#respuesta b', [], ['a', 'b'], ''],
    ['Hola\n#respuesta reinicio', [], [], 'Hola\n#respuesta reinicio'],
    ['#respuesta\nHola', [], [], '#respuesta\nHola'],
  ])('%j', (text, commands, canned, rest) => {
    expect(agentCommands(text)).toEqual({ commands, canned, rest });
  });

  it('names the command in the agent’s language', () => {
    expect(cannedWord('reinicio', 'es')).toBe('#respuesta reinicio');
    expect(cannedWord('reset', 'en')).toBe('#answer reset');
    expect(cannedWord('reset', 'fr')).toBe('#reponse reset');
  });
});
