/** Test support only (never imported by the app): the CLI run in the test's own process. */
import { vi } from 'vitest';
import { main } from '../cli/main';

export interface MainOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `crm-upgrade ARGS…` through the CLI's own entry point, its output captured and the exit code
 * returned: milliseconds where a child process through tsx costs a second or more. Only what
 * main writes is captured; stdout and stderr are given back when it returns.
 */
export async function runMain(...args: string[]): Promise<MainOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
