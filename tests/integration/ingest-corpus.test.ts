import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/ingest/process-message.js';
import type { Services } from '../../src/runtime/services.js';
import type { TestDb } from '../helpers/db.js';
import { must, useTestDb } from '../helpers/db.js';
import { corpusDir } from '../helpers/imap.js';
import { useTestServices } from '../helpers/services.js';

const CORPUS = corpusDir();
if (!CORPUS) process.stdout.write('ingest-corpus: ../shared/corpus not found; the corpus run is SKIPPED\n');

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    })
    .filter((p) => p.endsWith('.eml'))
    .sort();
}

// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
const EFFECTS = ['new_ticket', 'followup', 'reopen'];

describe.skipIf(!CORPUS)('ingest over the real-world corpora in ../shared/corpus', () => {
  let s: Services;
  beforeAll(async () => {
    // Strangers' mail becomes accounts and tickets here, so every readable message has an effect to check.
    s = await useTestServices(t, {
      MAIL_UNKNOWN_SENDER: 'create_account',
      MAIL_SENDER_LIMIT_PER_HOUR: '100000',
    });
  });

  it('gives every message an effect, or a record with a reason (quarantine for unreadable), and never crashes', async () => {
    const all = files(CORPUS as string);
    expect(all.length).toBeGreaterThan(100);
    const counts: Record<string, number> = {};
    const slowest = { file: '', ms: 0 };
    for (const file of all) {
      const raw = readFileSync(file);
      const started = Date.now();
      const r = await ingestMessage(
        s,
        {
          raw,
          mailbox: 'corpus',
          uidvalidity: 1,
          uid: all.indexOf(file) + 1,
          size: raw.length,
          receivedAt: null,
        },
        { mode: 'inbox' },
      );
      const ms = Date.now() - started;
      if (ms > slowest.ms) Object.assign(slowest, { file: relative(CORPUS as string, file), ms });
      const key = `${r.action}:${r.reason.code}`;
      counts[key] = (counts[key] ?? 0) + 1;
      const rec = must(await t.db('inbound_mails').where({ id: r.inboundMailId! }).first());
      expect(rec, file).toBeDefined();
      expect(rec.outcome, file).toBe(r.action);
      expect(rec!.reason, file).toBeTruthy();
      if (EFFECTS.includes(r.action)) expect(rec!.ticket_id, file).not.toBeNull();
      else if (r.action === 'held' || r.action === 'rejected')
        expect(rec!.quarantine_state, file).toBe('held');
      else expect(r.action, file).toBe('ignored');
      if (rec!.quarantine_state === 'held') expect(rec!.raw, file).not.toBeNull();
    }
    // Delivery reports must be recognised as such.
    for (const file of files(join(CORPUS as string, 'mikel-mail/multipart_report_emails'))) {
      const rec = must(
        await t
          .db('inbound_mails')
          .where({ mailbox: 'corpus', uid: all.indexOf(file) + 1 })
          .first(),
      );
      expect(`${rec.outcome}:${rec!.reason}`, file).toMatch(/^ignored:(bounce|auto_reply|duplicate)/);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `ingest-corpus: ${total} messages; ${JSON.stringify(counts)}; slowest ${slowest.file} ${slowest.ms} ms\n`,
    );
    expect(total).toBe(all.length);
  }, 180_000);
});
