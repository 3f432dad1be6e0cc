import type { Db } from '../../src/db/db.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface PlanFigures {
  executionMs: number;
  /** Pages the statement touched in shared buffers (BUFFERS), found there or read in. */
  sharedHitBlocks: number;
  sharedReadBlocks: number;
  nodeTypes: string[];
  indexes: string[];
  /** Relations read by a sequential scan (parallel or not). */
  seqScans: string[];
  /** A sequential scan of tickets or followups, the tables that grow with the help desk. */
  seqScanOfBigTable: boolean;
  usesIndexes: boolean;
}

function walk(n: PlanNode, out: { nodes: string[]; indexes: Set<string>; seqScans: string[] }) {
  out.nodes.push(n['Node Type']);
  if (n['Index Name']) out.indexes.add(n['Index Name']);
  // 'Seq Scan' or 'Parallel Seq Scan'
  if (n['Node Type'].endsWith('Seq Scan') && n['Relation Name']) out.seqScans.push(n['Relation Name']);
  for (const c of n.Plans ?? []) walk(c, out);
}

/** EXPLAIN (ANALYZE, BUFFERS) of one statement: its node types, the indexes used, any sequential scan. */
export async function explain(db: Db, sql: string, bindings: readonly unknown[]): Promise<PlanFigures> {
  const res = await db.raw(`explain (analyze, buffers, format json) ${sql}`, bindings as never);
  const plan = res.rows[0]['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number };
  const out = { nodes: [] as string[], indexes: new Set<string>(), seqScans: [] as string[] };
  walk(plan.Plan, out);
  const big = out.seqScans.some((r) => r === 'tickets' || r === 'followups');
  return {
    executionMs: +plan['Execution Time'].toFixed(2),
    sharedHitBlocks: plan.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: plan.Plan['Shared Read Blocks'] ?? 0,
    nodeTypes: [...new Set(out.nodes)],
    indexes: [...out.indexes],
    seqScans: out.seqScans,
    seqScanOfBigTable: big,
    usesIndexes: out.indexes.size > 0 && !big,
  };
}

/**
 * Every statement a piece of code sends through knex while it runs, with its bindings, in knex's `?` form (to
 * EXPLAIN them): knex numbers the placeholders in order of appearance, so $1, $2... go back to ?, ?...
 */
export async function capturedStatements(
  db: Db,
  run: () => Promise<unknown>,
): Promise<{ sql: string; bindings: unknown[] }[]> {
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const on = (q: { sql: string; bindings?: unknown[] }) => {
    seen.push({ sql: q.sql.replace(/\$\d+/g, '?'), bindings: q.bindings ?? [] });
  };
  db.on('query', on);
  try {
    await run();
  } finally {
    db.off('query', on);
  }
  return seen;
}
