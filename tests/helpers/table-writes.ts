import ts from 'typescript';

/** One place where code writes a table. */
export interface TableWrite {
  table: string;
  line: number;
  /** `update` (a knex call) or `raw UPDATE`. */
  how: string;
}

const KNEX_WRITES = new Set([
  'insert',
  'update',
  'upsert',
  'del',
  'delete',
  'increment',
  'decrement',
  'truncate',
]);
/** A call naming a table: `db('t')`, `trx('t')`, `s.db('t')`, `knex('t')`, `q.from('t')`, `q.into('t')`. */
const TABLE_CALLS = new Set(['db', 'trx', 'tx', 'knex', 'table', 'from', 'into']);
const RAW_SQL = [
  /\binsert\s+into\s+"?(\w+)/gi,
  /\bdelete\s+from\s+"?(\w+)/gi,
  /\bupdate\s+"?(\w+)"?\s+(?:as\s+\w+\s+)?set\b/gi,
  /\bmerge\s+into\s+"?(\w+)/gi,
  /\btruncate\s+(?:table\s+)?"?(\w+)/gi,
];

const calleeName = (e: ts.Expression): string | undefined =>
  ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;

/**
 * The table a knex chain is built on (`db('users').where(...)`), following a chain that starts from a local
 * variable (`const q = trx('sessions')...; await q.del()`) to its initializer; undefined for anything else
 * (a hash's `.update()`, a Map's `.delete()`, Redis's `.del()`).
 */
function tableOf(expr: ts.Expression, source: ts.SourceFile, seen = new Set<string>()): string | undefined {
  let e: ts.Expression = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e)) {
      const name = calleeName(e.expression);
      const first = e.arguments[0];
      if (name && TABLE_CALLS.has(name) && first && ts.isStringLiteralLike(first)) return first.text;
      e = e.expression;
    } else if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isIdentifier(e) && !seen.has(e.text)) {
      seen.add(e.text);
      const init = initializerOf(e.text, source);
      if (!init) return undefined;
      e = init;
    } else return undefined;
  }
}

function initializerOf(name: string, source: ts.SourceFile): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer)
      found ??= n.initializer;
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

/** Every table write in a TypeScript source: knex write calls on a table's chain, and INSERT/UPDATE/DELETE SQL. */
export function tableWrites(code: string, fileName = 'snippet.ts'): TableWrite[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const writes: TableWrite[] = [];
  const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.text;
      if (KNEX_WRITES.has(method)) {
        const table = tableOf(n.expression.expression, source);
        if (table) writes.push({ table, line: lineOf(n), how: method });
      }
    }
    if (ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)) {
      const text = n.getText(source);
      for (const re of RAW_SQL)
        for (const m of text.matchAll(re))
          writes.push({
            table: m[1] as string,
            line: lineOf(n),
            how: `raw ${m[0].split(/\s+/)[0]?.toUpperCase()}`,
          });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return writes;
}
