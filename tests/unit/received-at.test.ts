import { describe, expect, it } from 'vitest';
import { baseAddress, receivedAddress } from '../../src/ingest/received-at.js';

const KNOWN = ['support@izarlink.es', 'facturacion@izarlink.es'];
const mail = (recipients: string[], headers: Record<string, string[]> = {}) => ({
  recipients,
  headerLines: new Map(Object.entries(headers)),
});

describe('the support address a mail came to', () => {
  it('drops the sub-address of a reply token, and nothing else', () => {
    expect(baseAddress('Facturacion+t12.u3.abcdefghijklmnopqrst@IzarLink.es', '+')).toBe(
      'facturacion@izarlink.es',
    );
    expect(baseAddress('<soporte@izarlink.es>', '+')).toBe('soporte@izarlink.es');
    expect(baseAddress('a+b@x.es', '')).toBe('a+b@x.es');
  });

  it.each([
    [
      'the envelope over To',
      mail(['support@izarlink.es'], { 'delivered-to': ['facturacion@izarlink.es'] }),
      'support@izarlink.es',
      'facturacion@izarlink.es',
    ],
    [
      'X-Original-To when Delivered-To is not ours',
      mail([], { 'delivered-to': ['box17@mx.internal'], 'x-original-to': ['<Facturacion@izarlink.es>'] }),
      undefined,
      'facturacion@izarlink.es',
    ],
    [
      'the fetched account when To names it among others',
      mail(['support@izarlink.es', 'facturacion@izarlink.es']),
      'facturacion@izarlink.es',
      'facturacion@izarlink.es',
    ],
    [
      'the first known To/Cc otherwise (an alias into another account)',
      mail(['someone@else.es', 'facturacion@izarlink.es']),
      'support@izarlink.es',
      'facturacion@izarlink.es',
    ],
    [
      'a reply token’s base address',
      mail(['facturacion+t1.u2.abcdefghijklmnopqrst@izarlink.es']),
      undefined,
      'facturacion@izarlink.es',
    ],
    [
      'the fetched account when no header names ours (Bcc)',
      mail(['list@else.es']),
      'facturacion@izarlink.es',
      'facturacion@izarlink.es',
    ],
    ['nothing when piped in and naming none of ours', mail(['list@else.es']), undefined, null],
  ])('%s', (_why, m, fetched, want) => {
    expect(receivedAddress(m, KNOWN, fetched, '+')).toBe(want);
  });
});
