import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, parseCatalog } from '../../src/domain/catalog.js';
import { classifyMail } from '../../src/domain/classify.js';

const guess = (subject: string, body = '') => {
  const g = classifyMail(DEFAULT_CATALOG, subject, body);
  return `${g.type}/${g.category}${g.urgency ? ` ${g.urgency}` : ''}`;
};

describe('mailed tickets are classified by the catalog keyword rules', () => {
  it.each([
    // es
    ['no tengo internet', '', 'incident/total_outage high'],
    ['Sin conexión en la oficina', '', 'incident/total_outage high'],
    ['Caida de la fibra', '', 'incident/total_outage high'],
    ['Urgente', 'Desde esta mañana no navega ningún equipo.', 'incident/total_outage high'],
    ['Internet muy lento', '', 'incident/slowness'],
    ['La conexión va lenta por las tardes', '', 'incident/slowness'],
    ['Cortes intermitentes en la línea', '', 'incident/packet_loss'],
    ['Pérdida de paquetes hacia el servidor', '', 'incident/packet_loss'],
    ['Factura duplicada de noviembre', '', 'request/administrative.billing'],
    ['Consulta', 'Me han hecho un cobro de más en el recibo.', 'request/administrative.billing'],
    ['Quiero dar de baja la segunda línea', '', 'request/administrative.modification'],
    ['Necesito abrir puertos en el router', '', 'request/technical'],
    ['Quisiera saber las tarifas de empresa', '', 'request/administrative.information'],
    // en
    ['Internet is down at the shop', '', 'incident/total_outage high'],
    ['Total outage since 9am', '', 'incident/total_outage high'],
    ['Very slow connection', '', 'incident/slowness'],
    ['Packet loss to our VPN', '', 'incident/packet_loss'],
    ['Wrong invoice', '', 'request/administrative.billing'],
    ['Question', 'I was charged twice this month.', 'request/administrative.billing'],
    ['Static IP for our server', '', 'request/technical'],
    // fr
    ["Plus d'internet depuis ce matin", '', 'incident/total_outage high'],
    ['Panne de la fibre', '', 'incident/total_outage high'],
    ['Connexion très lente', '', 'incident/slowness'],
    ['Perte de paquets vers le serveur', '', 'incident/packet_loss'],
    ['Erreur sur la facture', '', 'request/administrative.billing'],
    ['Résiliation de la ligne 2', '', 'request/administrative.modification'],
    ['Configurer le routeur', '', 'request/technical'],
    // nothing to go by: the catalog defaults
    ['Hola', 'Llamadme por favor.', 'incident/performance'],
    ['', '', 'incident/performance'],
  ])('"%s" / "%s" → %s', (subject, body, expected) => {
    expect(guess(subject, body)).toBe(expected);
  });

  it('prefers the subject over the body, and whole words over parts of words', () => {
    expect(guess('Factura', 'y además no tengo internet')).toBe('request/administrative.billing');
    // "lent" (fr) is not inside "lento", "bill" is not inside "billete".
    expect(classifyMail(DEFAULT_CATALOG, 'Lentos', '').rule).toBeNull();
    expect(classifyMail(DEFAULT_CATALOG, 'Un billete', '').rule).toBeNull();
  });

  it('says which keyword decided, and where', () => {
    expect(classifyMail(DEFAULT_CATALOG, 'Re: Urgente', 'La fibra está caída.').rule).toEqual({
      keyword: 'caída',
      lang: 'es',
      in: 'body',
    });
  });

  it('falls back to a configured default, and refuses rules naming what the catalog lacks', () => {
    const own = parseCatalog({
      ...DEFAULT_CATALOG,
      defaultEmailType: 'request',
      defaultEmailCategory: 'technical',
    });
    expect(classifyMail(own, 'Hola', '')).toMatchObject({
      type: 'request',
      category: 'technical',
      rule: null,
    });
    expect(() =>
      parseCatalog({
        ...DEFAULT_CATALOG,
        emailRules: [{ type: 'incident', category: 'nope', keywords: { es: ['x y'] } }],
      }),
    ).toThrow(/emailRules\[0\]/);
  });
});
