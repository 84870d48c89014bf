// npm run check:sql [-- --statements MODULE] [--profile FILE]...: every statement the app sends to
// SQL Server, and every query in the shipped profiles, through Microsoft's T-SQL parser of each
// version from SQL Server 2012 to 2022 (SqlParserCheck, ScriptDom from NuGet). The statements are
// statements.ts's ALL_STATEMENTS, and every export of that module must be in it; the profile
// queries are the fields the profile schema checks as queries, in the shipped profiles and in the
// schema's own examples (`.meta({ examples })`), and each must be one SELECT.
// --statements and --profile replace the real sources (the check's own test breaks copies).
// Prints each failure, then `N passed, N failed` (a statement or query across all versions is one
// test; so is each export missing from ALL_STATEMENTS, and each profile that cannot be read).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type SqlItem, type SqlResult, runParserCheck } from './parser-check';
import { profileQueries, schemaExampleQueries } from './profile-queries';
import { statementsOf } from './statement-list';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: { statements: { type: 'string' }, profile: { type: 'string', multiple: true } },
});
const statementsFile = path.resolve(
  values.statements ?? path.join(root, 'electron', 'host', 'windows', 'sql', 'statements.ts'),
);
const profilesDir = path.join(root, 'resources', 'profiles');
const profileFiles =
  values.profile?.map((p) => path.resolve(p)) ??
  readdirSync(profilesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(profilesDir, f));

const failures: string[] = [];

const exports = (await import(pathToFileURL(statementsFile).href)) as Record<string, unknown>;
const listed = statementsOf(exports);
const source = path.basename(statementsFile);
for (const m of listed.missing) failures.push(`${source} ${m}`);
const items: SqlItem[] = listed.statements.map((s) => ({
  id: `${source} ${s.id}`,
  text: s.text,
  kind: 'statement',
}));

// The schema's examples are the same whatever --profile says: the real schema is the one checked.
for (const q of schemaExampleQueries()) {
  items.push({ id: `profile schema ${q.field}`, text: q.text, kind: 'profile-query' });
}
const fromSchema = items.length - listed.statements.length;

for (const file of profileFiles) {
  try {
    for (const q of profileQueries(JSON.parse(readFileSync(file, 'utf8')))) {
      items.push({ id: `${path.basename(file)} ${q.field}`, text: q.text, kind: 'profile-query' });
    }
  } catch (err) {
    failures.push(`${path.basename(file)}: cannot be read as JSON: ${String(err)}`);
  }
}

const year = (server: string) => server.replace(/^SQL Server /, '');

/** One line per distinct error, with the versions that report it: where a construct is too new shows. */
function describe(result: SqlResult): string[] {
  const byError = new Map<string, string[]>();
  for (const e of result.errors) {
    const key = `line ${e.line}, column ${e.column}: ${e.message}`;
    byError.set(key, [...(byError.get(key) ?? []), e.server]);
  }
  const lines = [...byError].map(
    ([error, servers]) => `${result.id}: ${error} (SQL Server ${servers.map(year).join(', ')})`,
  );
  if (result.notSingleSelect) lines.push(`${result.id}: not a single SELECT: ${result.notSingleSelect}`);
  return lines;
}

let results: SqlResult[];
try {
  results = runParserCheck(items);
} catch (err) {
  process.stdout.write(`✖ ${err instanceof Error ? err.message : String(err)}\n`);
  process.stdout.write('Is the .NET SDK installed (dotnet), and NuGet reachable for the first build?\n');
  process.stdout.write(`\n0 passed, ${failures.length + 1} failed\n`);
  process.exit(1);
}
const broken = results.filter((r) => r.errors.length > 0 || r.notSingleSelect !== null);
for (const f of [...failures, ...broken.flatMap(describe)]) process.stdout.write(`✖ ${f}\n`);

const queries = items.filter((i) => i.kind === 'profile-query').length - fromSchema;
const profileNames = profileFiles.map((f) => path.basename(f)).join(', ') || 'none';
process.stdout.write(
  `${listed.statements.length} statements from ${source}, ${queries} queries from profiles (${profileNames}), ` +
    `${fromSchema} from the profile schema's examples, ` +
    'each parsed by the parser of every SQL Server version from 2012 to 2022\n',
);
const failed = failures.length + broken.length;
process.stdout.write(`\n${results.length - broken.length} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
