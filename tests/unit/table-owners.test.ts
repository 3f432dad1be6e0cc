import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableWrites } from '../helpers/table-writes.js';

/**
 * The rule (issue 14.2): only the use cases of src/app write tables, each in one transaction with its history
 * and outbox rows. The edges (web, ingest, outbound, jobs, command line) call use cases and read.
 */
const EDGES = ['src/web', 'src/ingest', 'src/outbound', 'src/jobs', 'src/cli'];

/**
 * Writes outside src/app, by file and table, each with why it stays. When one moves into src/app its entry
 * must go (a stale entry fails the test too). Do not add entries; move the write into a use case.
 */
const KNOWN_VIOLATIONS: Record<string, string[]> = {
  // Bookkeeping rather than business changes, each with a reason to stay where it is; no history row applies:
  // the web's sessions (login, logout, rotation, expiry) are the web's own infrastructure, like its cookies.
  'src/web/session.ts': ['sessions'],
  // the record of each fetched message and the mailbox checkpoints: the ingest's ledger of what it read,
  // kept in step with the mailbox (a message is marked done on the server only after its record commits).
  'src/ingest/group-commit.ts': ['inbound_mails'],
  'src/ingest/process-message.ts': ['inbound_mails'],
  'src/ingest/release.ts': ['inbound_mails'],
  'src/ingest/watcher.ts': ['ingest_checkpoints'],
  // the sender's and the relay's marks on outbox rows and deliveries: the sender's ledger of its own attempts
  // (batched, prepared statements; written between SMTP calls, outside any use case's transaction).
  'src/outbound/deliver.ts': ['outbox', 'deliveries'],
  'src/outbound/delivery-store.ts': ['deliveries', 'outbox'],
  'src/outbound/relay.ts': ['outbox'],
};

const root = join(import.meta.dirname, '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('one owner for tables: only src/app writes them', () => {
  it('no edge writes a table, beyond the known violations', () => {
    const found: Record<string, Set<string>> = {};
    const unexpected: string[] = [];
    for (const file of EDGES.flatMap(sources)) {
      for (const w of tableWrites(readFileSync(join(root, file), 'utf8'), file)) {
        found[file] ??= new Set();
        found[file].add(w.table);
        if (!KNOWN_VIOLATIONS[file]?.includes(w.table))
          unexpected.push(`${file}:${w.line}: ${w.how} on ${w.table} (move it into a src/app use case)`);
      }
    }
    expect(unexpected).toEqual([]);
    const stale = Object.entries(KNOWN_VIOLATIONS).flatMap(([file, tables]) =>
      tables
        .filter((t) => !found[file]?.has(t))
        .map((t) => `${file}: ${t} (no longer written: remove the entry)`),
    );
    expect(stale).toEqual([]);
  });

  it('finds a planted violation: knex writes on a table, directly or through a variable, and raw SQL', () => {
    const planted = `
      export async function closeFromTheEdge(ctx: Ctx, id: number) {
        await ctx.state.s.db('tickets').where({ id }).update({ status: 'closed' });
        await trx('ticket_events').insert({ ticket_id: id });
        const q = s.db('sessions').where({ user_id: id });
        await q.del();
        await db.raw('UPDATE users SET failed_logins = 0 WHERE id = ?', [id]);
        await pg.query(\`delete from outbox where id = \${id}\`);
        await db.into('deliveries').insert({ outbox_id: id });
      }`;
    expect(tableWrites(planted).map((w) => `${w.line} ${w.how} ${w.table}`)).toEqual([
      '3 update tickets',
      '4 insert ticket_events',
      '6 del sessions',
      '7 raw UPDATE users',
      '8 raw DELETE outbox',
      '9 insert deliveries',
    ]);
  });

  it('leaves alone what only looks like a write: hashes, maps, Redis, reads, prose', () => {
    const innocent = `
      const h = createHash('sha256').update(body).digest('hex');
      entries.delete(key);
      await redis.del('izardesk:lock');
      await limiters(s).account.delete(email);
      const rows = await db('tickets').where({ id }).select('*');
      const text = t('mail:update.intro');
      const note = 'Please update your details';`;
    expect(tableWrites(innocent)).toEqual([]);
  });
});
