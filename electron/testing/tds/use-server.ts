import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { TdsTestServerOptions } from './script';
import { TdsTestServer } from './server';

/**
 * One TDS test server for a test file: started before its first test, its handlers and records
 * reset before each, closed after the last. What it returns stands for the server once started,
 * so a file names it once, at the top: `const server = useTdsServer({ logins: [LOGIN] })`.
 */
export function useTdsServer(options: TdsTestServerOptions = {}): TdsTestServer {
  let started: TdsTestServer | undefined;
  beforeAll(async () => {
    started = await TdsTestServer.start(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.reset());
  return new Proxy({} as TdsTestServer, {
    get(_target, key) {
      if (!started) throw new Error('useTdsServer: the server starts in beforeAll, use it inside a test');
      const value: unknown = Reflect.get(started, key, started);
      return typeof value === 'function' ? (value as () => unknown).bind(started) : value;
    },
  });
}
