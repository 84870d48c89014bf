import { z } from 'zod';
import { farmServerNameSchema, farmStatusSchema } from './farm';
import { messageSchema } from './message';
import { logEntrySchema, progressSchema, sessionSchema, stepIdSchema } from './plan';
import { sqlCredentialsSchema } from './sql-credentials';
import { REASON_MAX, REASON_MIN, isPlainText } from './typed-text';

/** Why the admin skips or forces something: it goes into the journal and the report verbatim. */
export const reasonSchema = z
  .string()
  // Checked before trimming: a line break at either end is a forged log line all the same.
  .refine(isPlainText, 'control, C1 or bidi characters')
  .trim()
  .min(REASON_MIN)
  .max(REASON_MAX);

export const connectionIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

export const ackSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: messageSchema }),
]);
export type Ack = z.infer<typeof ackSchema>;

/**
 * The one IPC contract. Every call is an intent: the renderer names what the admin wants,
 * never a path, a command or SQL. main validates arguments and results against these schemas;
 * the preload builds its functions from the same keys.
 */
export const contract = {
  calls: {
    getSession: { args: z.tuple([]), result: sessionSchema },
    startRun: { args: z.tuple([]), result: ackSchema },
    confirmStep: { args: z.tuple([stepIdSchema]), result: ackSchema },
    skipStep: { args: z.tuple([stepIdSchema, reasonSchema]), result: ackSchema },
    retryStep: { args: z.tuple([stepIdSchema]), result: ackSchema },
    rollback: { args: z.tuple([]), result: ackSchema },
    /** The engine re-runs the users check every few seconds until nobody is connected. */
    waitForUsers: { args: z.tuple([stepIdSchema]), result: ackSchema },
    stopWaitingForUsers: { args: z.tuple([stepIdSchema]), result: ackSchema },
    /** The admin corrects the CRM's folder: main shows a folder picker; no path crosses from the renderer. */
    correctInstallPath: { args: z.tuple([]), result: ackSchema },
    /** Windows authentication in web.config: the admin's SQL login or domain user, kept in main's memory only. */
    provideSqlCredentials: { args: z.tuple([connectionIdSchema, sqlCredentialsSchema]), result: ackSchema },
    /** Practice mode only: what the admin would do in the CRM's own web UI. */
    practiceLogOffUsers: { args: z.tuple([]), result: ackSchema },
    practicePressAggiornaDatabase: { args: z.tuple([connectionIdSchema]), result: ackSchema },
    /** The farm as this server sees it now: its ledger on the kit, checked against what this server observes. */
    getFarmStatus: { args: z.tuple([]), result: farmStatusSchema },
    /** The admin confirms or completes the farm's servers (on the first server, before the run begins). */
    setFarmServers: { args: z.tuple([z.array(farmServerNameSchema).min(1).max(32)]), result: ackSchema },
  },
  events: {
    session: sessionSchema,
    progress: progressSchema,
    log: logEntrySchema,
  },
} as const;

export type Calls = typeof contract.calls;
export type CallName = keyof Calls;
export type EventName = keyof typeof contract.events;
export type CallArgs<C extends CallName> = z.infer<Calls[C]['args']>;
export type CallResult<C extends CallName> = z.infer<Calls[C]['result']>;
export type EventPayload<E extends EventName> = z.infer<(typeof contract.events)[E]>;

export const CALL_NAMES = Object.keys(contract.calls) as CallName[];
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

/** The channel names live here and in main/preload only; the renderer never sees them. */
export const callChannel = (name: CallName): string => `upgrader:call:${name}`;
export const eventChannel = (name: EventName): string => `upgrader:event:${name}`;

/** What the renderer gets: one function per call, plus one subscription per event. */
export type UpgraderApi = {
  [C in CallName]: (...args: CallArgs<C>) => Promise<CallResult<C>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** What a host of the engine implements (main over IPC, the e2e harness over a page binding). */
export type CallHandlers = {
  [C in CallName]: (...args: CallArgs<C>) => Promise<CallResult<C>>;
};
