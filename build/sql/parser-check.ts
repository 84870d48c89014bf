// Microsoft's T-SQL parser (SqlParserCheck, beside this file) built once per version of its
// sources, then run on a list of statements: the one door check-sql.ts and its tests go through.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const project = path.join(root, 'build', 'sql', 'SqlParserCheck');
/** Ignored by git, as .tools/nuget is, where the build restores ScriptDom (the project says so). */
const builds = path.join(root, '.tools', 'sql-parser-check');

export type SqlKind = 'statement' | 'profile-query';
export interface SqlItem {
  id: string;
  text: string;
  kind: SqlKind;
}
export interface SqlParseError {
  parser: string;
  server: string;
  line: number;
  column: number;
  number: number;
  message: string;
}
export interface SqlResult {
  id: string;
  errors: SqlParseError[];
  /** For a profile query: why it is not one SELECT and nothing else; null when it is. */
  notSingleSelect: string | null;
}

/** The tool's sources, hashed: a build is kept under this name and reused until they change. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(project)
    .filter((f) => /\.(cs|csproj)$/.test(f))
    .sort()) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(project, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const dllIn = (artifacts: string) =>
  path.join(artifacts, 'bin', 'SqlParserCheck', 'release', 'SqlParserCheck.dll');

/**
 * The built tool's path, built first when its sources changed. The build goes to a folder of this
 * process's own and is renamed into place whole, so a build cut short, or two at once, leave no
 * half a tool. Throws with dotnet's own output when the build fails.
 */
function ensureParserCheck(): string {
  const hash = sourcesHash();
  const built = path.join(builds, hash);
  if (existsSync(dllIn(built))) return dllIn(built);
  mkdirSync(builds, { recursive: true });
  const stage = `${built}.${process.pid}`;
  const csproj = path.join(project, 'SqlParserCheck.csproj');
  const run = spawnSync(
    'dotnet',
    ['build', csproj, '-c', 'Release', '--artifacts-path', stage, '-nologo', '-v', 'q'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (run.status !== 0 || !existsSync(dllIn(stage))) {
    rmSync(stage, { recursive: true, force: true });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
    throw new Error(`dotnet build of ${path.relative(root, csproj)} failed:\n${output.trim()}`);
  }
  try {
    renameSync(stage, built);
  } catch {
    // Another process put the same build in place meanwhile: theirs is as good.
    rmSync(stage, { recursive: true, force: true });
  }
  // Builds of older sources; another process's stage (a name with a dot) is left alone.
  for (const old of readdirSync(builds).filter((d) => d !== hash && !d.includes('.'))) {
    rmSync(path.join(builds, old), { recursive: true, force: true });
  }
  return dllIn(built);
}

/** Each item parsed by every SQL Server version's parser, in one process. */
export function runParserCheck(items: readonly SqlItem[]): SqlResult[] {
  const run = spawnSync('dotnet', [ensureParserCheck()], {
    cwd: root,
    input: JSON.stringify(items),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(
      `SqlParserCheck ended with ${run.status ?? run.signal}: ${run.stderr || String(run.error)}`,
    );
  }
  return JSON.parse(run.stdout) as SqlResult[];
}
