import { z } from 'zod';
import { messageSchema } from './message';
import { runStateSchema, stepStatusSchema } from './plan';
import { stepIdSchema } from './step-id';

/**
 * The farm (issue 15): one CRM installation served by N load-balanced application servers on
 * the same databases. N = 1 is a farm too. What the window, the CLI and the report show of it.
 */

/** A Windows computer name as SQL Server's host_name() and the admin write it (NetBIOS, 1-15 characters). */
export const farmServerNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,14}$/, 'a Windows computer name: letters, digits, - and _, at most 15');

/** How the farm knows of a server. */
export const farmSourceSchema = z.enum(['this', 'ledger', 'list', 'profile', 'sessions']);
export type FarmSource = z.infer<typeof farmSourceSchema>;

export const farmServerSchema = z.object({
  hostname: z.string(),
  sources: z.array(farmSourceSchema),
  /** The server this view is made on (absent from the CLI's `farm status` on the kit alone). */
  isThis: z.boolean(),
  /** The CRM's code version its last run found (or this server's own files, read now). */
  codeVersion: z.string().nullable(),
  lockout: z.enum(['on', 'off', 'unknown']),
  pools: z.enum(['started', 'stopped', 'unknown']),
  /** Its run with this kit; null when the upgrade manager has not run there yet. */
  runState: runStateSchema.nullable(),
  /** Where that run stands: the first step not done. */
  step: z
    .object({ id: stepIdSchema, status: stepStatusSchema, waitsOnFarm: z.boolean().optional() })
    .nullable(),
  updatedAt: z.string().nullable(),
  /** A farm rollback is under way and this server still has to roll back. */
  mustRollBack: z.boolean(),
});
export type FarmServer = z.infer<typeof farmServerSchema>;

export const farmConnectionSchema = z.object({
  connection: z.string(),
  database: z.string(),
  /** The database's version: read now on a server, else the latest a server wrote in the ledger. */
  version: z.string().nullable(),
  seenAt: z.string().nullable(),
  /** Which server backed it up (once for the farm), updated it, restored it. */
  backedUpBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  restoredBy: z.string().nullable(),
});
export type FarmConnection = z.infer<typeof farmConnectionSchema>;

export const farmStatusSchema = z.object({
  kitVersion: z.string(),
  /** The version the farm is upgraded from, as the first run found it. */
  fromVersion: z.string().nullable(),
  servers: z.array(farmServerSchema),
  connections: z.array(farmConnectionSchema),
  /** The next thing to do, and on which server (null: on none, or on any). */
  next: z.object({ server: z.string().nullable(), message: messageSchema }),
  /** Every server at the kit's version and open, every database at it. */
  complete: z.boolean(),
  /** A rollback after the databases were updated: every server must roll back too. */
  rollback: z.boolean(),
  /** Ledger entries that could not be read, and anything else the admin should know. */
  problems: z.array(messageSchema),
  at: z.string(),
});
export type FarmStatus = z.infer<typeof farmStatusSchema>;
