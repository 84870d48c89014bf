import type { CallHandlers, EventName, EventPayload } from '../shared/contract';
import type { Host } from './ports';

export interface SessionOptions {
  host: Host;
  /** The upgrade kit's folder (the USB stick). */
  kitDir: string;
  /** Where the application folder's zip goes; the host's default when absent. */
  backupDir?: string;
  setupTimeoutMs?: number;
}

export type SessionListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** One upgrade run on one server, as the desktop shell, the CLI and the e2e harness all see it. */
export interface AppSession {
  handlers: CallHandlers;
  subscribe(listener: SessionListener): () => void;
  close(): Promise<void>;
}

export async function openSession(_options: SessionOptions): Promise<AppSession> {
  throw new Error('openSession: being written');
}
