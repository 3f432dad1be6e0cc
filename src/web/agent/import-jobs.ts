import { randomBytes } from 'node:crypto';
import { type ImportKind, type ImportReport, importCsv } from '../../app/agent/csv-import.js';
import { isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import type { Services } from '../../runtime/services.js';

/** Where an import stands; kept in Redis a day so any web process can show it. */
export interface ImportState {
  id: string;
  kind: ImportKind;
  filename: string;
  userId: number | null;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  report: ImportReport | null;
  /** i18n key and params when the whole file was refused or the import broke off. */
  error: { key: string; params: Record<string, string | number> } | null;
}

const TTL_SECONDS = 24 * 3600;
const key = (s: Services, id: string) => `${s.config.REDIS_PREFIX}:agent-import:${id}`;

const save = (s: Services, st: ImportState) =>
  s.redis.set(key(s, st.id), JSON.stringify(st), 'EX', TTL_SECONDS);

export async function loadImport(s: Services, id: string): Promise<ImportState | null> {
  if (!/^[a-f0-9]{24}$/.test(id)) return null;
  const v = await s.redis.get(key(s, id));
  return v ? (JSON.parse(v) as ImportState) : null;
}

/**
 * Starts an import in the background of this web process and returns its id at once; the progress page
 * reads its state. Lines are committed one by one, so an interrupted import can simply be run again.
 */
export async function startImport(
  s: Services,
  actor: Actor,
  kind: ImportKind,
  filename: string,
  text: string,
): Promise<string> {
  const st: ImportState = {
    id: randomBytes(12).toString('hex'),
    kind,
    filename,
    userId: actor.kind === 'user' ? actor.id : null,
    state: 'running',
    done: 0,
    total: 0,
    report: null,
    error: null,
  };
  await save(s, st);
  void (async () => {
    try {
      st.report = await importCsv(s.app, actor, kind, text, async (done, total) => {
        st.done = done;
        st.total = total;
        await save(s, st);
      });
      st.state = 'done';
      st.done = st.total = st.report.total;
    } catch (err) {
      st.state = 'failed';
      if (isAppError(err)) st.error = { key: err.messageKey, params: err.params };
      else {
        s.logger.error({ err, importId: st.id, kind }, 'CSV import failed');
        st.error = { key: 'agent:import.failed', params: {} };
      }
    }
    await save(s, st).catch((err: unknown) =>
      s.logger.error({ err, importId: st.id }, 'cannot save import state'),
    );
  })();
  return st.id;
}
