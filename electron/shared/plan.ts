import { z } from 'zod';
import { messageSchema } from './message';
import { stepIdSchema } from './step-id';

export { stepIdSchema, type StepId } from './step-id';

export const phaseSchema = z.enum(['checks', 'backup', 'upgrade', 'after', 'report']);
export type Phase = z.infer<typeof phaseSchema>;
export const PHASES: readonly Phase[] = phaseSchema.options;

/** check: measures and judges; action: changes the server; manual: the admin does it, the engine verifies. */
export const stepKindSchema = z.enum(['check', 'action', 'manual']);
export type StepKind = z.infer<typeof stepKindSchema>;

export const stepStatusSchema = z.enum([
  'pending',
  'running',
  'passed',
  'warning',
  'failed',
  'skipped',
  'waiting',
]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const evidenceSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type Evidence = z.infer<typeof evidenceSchema>;

export const stepSchema = z.object({
  id: stepIdSchema,
  phase: phaseSchema,
  kind: stepKindSchema,
  /** Checks only: a failed blocking check closes the gate to the upgrade phase. */
  severity: z.enum(['blocking', 'warning']).optional(),
  /** Optional steps (procedure step 8) may be skipped without a gate consequence. */
  optional: z.boolean(),
  /** Whether the admin may skip it with a reason (never for the actions that change the server). */
  skippable: z.boolean(),
  title: messageSchema,
  /** What the admin must do for a manual step, or what an action is about to do. */
  instructions: messageSchema.optional(),
  /** What was found: the result, or why the step failed. */
  finding: messageSchema.optional(),
  /** What to do about a failure or a warning. */
  remedy: messageSchema.optional(),
  status: stepStatusSchema,
  evidence: evidenceSchema,
  skipReason: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
});
export type Step = z.infer<typeof stepSchema>;

export const runStateSchema = z.enum([
  'ready', // plan built, nothing done yet
  'running', // the engine is working through steps
  'paused', // stopped on a failed step: retry, skip (where allowed) or roll back
  'waiting', // a manual step waits for the admin
  'finished', // every step passed, warned or was skipped with a reason; report written
  'rolling-back',
  'rolled-back',
]);
export type RunState = z.infer<typeof runStateSchema>;

export const progressSchema = z.object({
  stepId: stepIdSchema,
  percent: z.number().min(0).max(100),
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
  itemsDone: z.number().nonnegative().optional(),
  itemsTotal: z.number().nonnegative().optional(),
  elapsedMs: z.number().nonnegative(),
  etaMs: z.number().nonnegative().optional(),
});
export type Progress = z.infer<typeof progressSchema>;

export const logEntrySchema = z.object({
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: messageSchema,
  detail: z.string().optional(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const releaseNoteSchema = z.object({
  version: z.string().max(64),
  lang: z.enum(['it', 'en']),
  markdown: z.string().max(256 * 1024),
});
export type ReleaseNote = z.infer<typeof releaseNoteSchema>;

/**
 * What the admin may do on a step now. The engine decides it; the window and the terminal show
 * exactly these, and the engine accepts exactly these.
 */
export const stepActionSchema = z.enum([
  'confirm',
  'retry',
  'skip',
  'wait-for-users',
  'stop-waiting',
  'practice-log-off-users',
  'practice-aggiorna-database',
  /** Windows authentication in web.config: the admin gives a login for the step's connection. */
  'provide-sql-credentials',
]);
export type StepAction = z.infer<typeof stepActionSchema>;

/** What the admin may do on the run as a whole now. */
export const runActionSchema = z.enum(['start', 'continue', 'rollback', 'correct-install-path']);
export type RunAction = z.infer<typeof runActionSchema>;

/** A step as the views see it: the journaled step, what may be done with it, and how to show it. */
export const sessionStepSchema = stepSchema.extend({
  actions: z.array(stepActionSchema),
  /** The connection a per-connection step is about. */
  connection: z.string().optional(),
  /** Extra content the step shows: the kit's release notes (NOTA BENE 1). */
  shows: z.enum(['release-notes']).optional(),
});
export type SessionStep = z.infer<typeof sessionStepSchema>;

/** The engine re-runs a check every few seconds until it passes (people logging off). */
export const waitingForUsersSchema = z.object({
  stepId: stepIdSchema,
  since: z.string(),
  lastCheckedAt: z.string().optional(),
});

export const sessionSchema = z.object({
  mode: z.enum(['practice', 'windows']),
  server: z.object({
    hostname: z.string(),
    installedVersion: z.string().nullable(),
    installPath: z.string().nullable(),
  }),
  kit: z.object({
    versionName: z.string(),
    practiceKey: z.boolean(),
  }),
  run: z.object({
    id: z.string(),
    state: runStateSchema,
    resumed: z.boolean(),
    startedAt: z.string().optional(),
    actions: z.array(runActionSchema),
    waitingForUsers: waitingForUsersSchema.optional(),
    /** How often the engine re-runs the users check while waiting. */
    usersRecheckMs: z.number().int().positive(),
    /** A rollback has begun: only finishing it is possible now. */
    rollbackBegun: z.boolean(),
    /** The admin asked to stop: the run pauses when the step under way ends. */
    stopping: z.boolean(),
    /** Issue 11: users are locked out of the CRM since then (the lockout step's start), while it lasts. */
    lockout: z.object({ since: z.string() }).optional(),
  }),
  steps: z.array(sessionStepSchema),
  /** What changes between the installed version and the kit's, newest first, both languages. */
  releaseNotes: z.array(releaseNoteSchema).max(500),
  report: z
    .object({
      jsonPath: z.string(),
      htmlPath: z.string(),
      outcome: z.enum(['upgraded', 'rolled-back', 'failed']),
    })
    .optional(),
});
export type Session = z.infer<typeof sessionSchema>;
