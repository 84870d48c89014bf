// The SQL queries in a profile, and in the profile schema's examples, found by the profile schema
// itself (electron/core/profile.ts) rather than by field names copied here: a query field added to
// the schema, or an example given to it with `.meta({ examples })`, is found with no change here.
import { z } from 'zod';
import { profileSchema } from '../../electron/core/profile';
import { readOnlyQueryProblem } from '../../electron/shared/read-only-query';

export interface ProfileQuery {
  /** The field's path, e.g. `sql.databaseVersionQuery`; empty for a query that is the value itself. */
  field: string;
  text: string;
}

type Path = (string | number)[];

/** A text no query field accepts: where the schema refuses it with the query check's own words, that field is a query. */
const PROBE = 'UPDATE probe SET probed = 1';

function stringLeaves(value: unknown, at: Path = []): [Path, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => stringLeaves(v, [...at, k]));
}

function withLeaf(value: unknown, at: Path, leaf: string): unknown {
  if (at.length === 0) return leaf;
  const [key, ...rest] = at;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[key!] = withLeaf(copy[key!], rest, leaf);
  return copy;
}

/** Whether `schema` checks the string at `at` of `value` as a profile query (the rest may be invalid). */
function isQueryField(schema: z.ZodType, value: unknown, at: Path): boolean {
  const parsed = schema.safeParse(withLeaf(value, at, PROBE));
  const refusal = readOnlyQueryProblem(PROBE);
  return (
    !parsed.success &&
    parsed.error.issues.some((i) => i.message === refusal && i.path.join('.') === at.join('.'))
  );
}

/** Every query `value` (valid or not) holds where `schema` expects one. */
function queriesIn(schema: z.ZodType, value: unknown): ProfileQuery[] {
  return stringLeaves(value)
    .filter(([at]) => isQueryField(schema, value, at))
    .map(([at, text]) => ({ field: at.join('.'), text }));
}

/** Every query a profile (parsed JSON, valid or not) holds, with its field. */
export function profileQueries(profile: unknown): ProfileQuery[] {
  return queriesIn(profileSchema, profile);
}

const isSchema = (v: unknown): v is z.ZodType => typeof v === 'object' && v !== null && '_zod' in v;

/** The schemas a schema is made of, each with the field name it sits under, if any. */
function parts(node: z.ZodType): [string | undefined, z.ZodType][] {
  return Object.entries(node._zod.def).flatMap(([key, v]): [string | undefined, z.ZodType][] => {
    if (isSchema(v)) return [[undefined, v]];
    if (Array.isArray(v)) return v.filter(isSchema).map((s) => [undefined, s]);
    if (key === 'shape' && typeof v === 'object' && v !== null) {
      return Object.entries(v).filter((e): e is [string, z.ZodType] => isSchema(e[1]));
    }
    return [];
  });
}

/** Every query among the examples given to `schema` or any part of it (`.meta({ examples })`). */
export function schemaExampleQueries(schema: z.ZodType = profileSchema): ProfileQuery[] {
  const seen = new Set<z.ZodType>();
  const found: ProfileQuery[] = [];
  const visit = (node: z.ZodType, at: string[]) => {
    if (seen.has(node)) return;
    seen.add(node);
    const examples: unknown = z.globalRegistry.get(node)?.examples;
    const list = Array.isArray(examples) ? examples : Object.values(examples ?? {});
    for (const [n, example] of list.entries()) {
      for (const q of queriesIn(node, example)) {
        found.push({
          field: [...at, `examples[${n}]`, ...(q.field ? [q.field] : [])].join('.'),
          text: q.text,
        });
      }
    }
    for (const [key, part] of parts(node)) visit(part, key === undefined ? at : [...at, key]);
  };
  visit(schema, []);
  return found;
}
