import { describe, expect, it } from 'vitest';
import { batcher } from '../../src/outbound/batch.js';

describe('group commit (batcher)', () => {
  it('shares one run among the calls made meanwhile, results in order', async () => {
    const runs: number[][] = [];
    const twice = batcher(
      async (items: number[]) => {
        runs.push(items);
        return items.map((i) => i * 2);
      },
      { lingerMs: 5 },
    );
    expect(await Promise.all([1, 2, 3].map(twice))).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('when a shared run fails, runs each call alone: only the bad one fails', async () => {
    const runs: number[][] = [];
    const check = batcher(
      async (items: number[]) => {
        runs.push(items);
        if (items.includes(13)) throw new Error('bad item 13');
        return items;
      },
      { lingerMs: 5 },
    );
    const results = await Promise.allSettled([1, 13, 3].map(check));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('bad item 13');
    expect(runs).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('a run of one that fails rejects its call once', async () => {
    let calls = 0;
    const failing = batcher(
      async () => {
        calls++;
        throw new Error('down');
      },
      { lingerMs: 1 },
    );
    await expect(failing(1)).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});
