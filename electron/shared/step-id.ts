import { z } from 'zod';

/** The steps a plan may hold once. */
export const PLAIN_STEP_IDS = [
  'check.kit',
  'check.exclusive',
  'check.elevation',
  'check.architecture',
  'check.iis',
  'check.installation',
  'check.mobile',
  'check.version',
  'check.licence',
  'check.users',
  'check.disk',
  'check.reboot',
  'check.release-notes',
  'check.farm',
  'backup.lockout-on',
  'backup.users-again',
  'backup.files',
  'backup.verify-files',
  'backup.mobile-files',
  'backup.verify-mobile-files',
  'backup.stop-pool',
  'upgrade.setup',
  'upgrade.mobile-setup',
  'upgrade.start-pool',
  'upgrade.check-version',
  'after.add-functions',
  'after.lockout-off',
  'after.crm-answers',
  'report.write',
] as const;
export type PlainStepId = (typeof PLAIN_STEP_IDS)[number];

/** The steps a plan holds once per database connection, named `base:connection`. */
export const CONNECTION_STEP_BASES = [
  'check.sql-permissions',
  'backup.db',
  'backup.verify-db',
  'after.db-update',
] as const;
export type ConnectionStepBase = (typeof CONNECTION_STEP_BASES)[number];

/** A connection's name as web.config gives it (the part after ':' in a step id). */
export type ConnectionName = string;
export type ConnectionStepId = `${ConnectionStepBase}:${ConnectionName}`;
/** The steps a plan holds once per other folder the kit's setups touch, named `base:folder`. */
export const FOLDER_STEP_BASES = ['backup.folder', 'backup.verify-folder'] as const;
export type FolderStepBase = (typeof FOLDER_STEP_BASES)[number];
export type FolderStepId = `${FolderStepBase}:${string}`;
export type StepId = PlainStepId | ConnectionStepId | FolderStepId;

/** The wire form: a structural check, so that a journal or a call can only name a well-formed id. */
const STEP_ID = /^[a-z][a-z0-9.-]{0,60}(:[A-Za-z0-9_.-]{1,64})?$/;
export const isStepId = (value: unknown): value is StepId => typeof value === 'string' && STEP_ID.test(value);
export const stepIdSchema = z.custom<StepId>(isStepId, { message: 'not a step id' });

export const connectionStepId = (base: ConnectionStepBase, connection: ConnectionName): ConnectionStepId =>
  `${base}:${connection}`;

export const folderStepId = (base: FolderStepBase, folder: string): FolderStepId => `${base}:${folder}`;
