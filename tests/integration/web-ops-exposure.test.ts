import { describe, expect, it } from 'vitest';
import { useTestDb } from '../helpers/db.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

const t = await useTestDb();
const TOKEN = 'ops-token-ops-token-03';
const plain = await startTestWeb(await useTestServices(t));
const withToken = await startTestWeb(await useTestServices(t, { OPS_TOKEN: TOKEN }));
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('metrics and health details on the public port', () => {
  it('by default: /metrics is not there, /healthz says only that it is alive, /readyz only its verdict', async () => {
    const metrics = await fetch(`${plain}/metrics`);
    expect(metrics.status).toBe(404);
    expect(await metrics.text()).not.toContain('# TYPE');
    const health = await fetch(`${plain}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${plain}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  it('with OPS_TOKEN: the bearer sees them, anyone else does not', async () => {
    expect((await fetch(`${withToken}/metrics`)).status).toBe(404);
    expect((await fetch(`${withToken}/metrics`, bearer('wrong-token-wrong-token'))).status).toBe(404);
    const metrics = await fetch(`${withToken}/metrics`, bearer(TOKEN));
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE');
    expect(await (await fetch(`${withToken}/healthz`)).json()).toEqual({ ok: true });
    const health = (await (await fetch(`${withToken}/healthz`, bearer(TOKEN))).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({ ok: true, ready: true, components: { postgres: { ok: true } } });
  });
});
