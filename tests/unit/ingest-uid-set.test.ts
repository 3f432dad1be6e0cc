import { describe, expect, it } from 'vitest';
import { uidSet } from '../../src/ingest/uid-set.js';

describe('uidSet', () => {
  it('writes consecutive UIDs as ranges, in order, without repeats', () => {
    expect(uidSet([5, 1, 2, 3, 3, 9, 10, 7])).toBe('1:3,5,7,9:10');
    expect(uidSet(Array.from({ length: 2000 }, (_, i) => i + 1))).toBe('1:2000');
    expect(uidSet([42])).toBe('42');
  });
});
