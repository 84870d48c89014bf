import { spawn } from 'node:child_process';
import { UpgradeError, msg } from '../../shared/message';
import type { Processes } from '../../core/ports';

/**
 * The practice kit's setups are Node scripts standing for the vendor's setup.exe. They run as
 * real child processes with the same argument array; the server folder reaches them by env.
 */
export function practiceProcesses(root: string): Processes {
  return {
    runSetup(program, args, { timeoutMs, onOutput, onProgress }) {
      if (!program.endsWith('.mjs')) {
        return Promise.reject(new UpgradeError(msg('practice.setup-not-practice', { program })));
      }
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [program, ...args], {
          env: { ...process.env, CRM_PRACTICE_SERVER: root },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        let windowsExitCode: number | null = null;
        let timedOut = false;
        const onData = (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          for (const line of text.split(/\r?\n/)) {
            if (!line.trim()) continue;
            // The practice setup's own marker: the code a Windows setup would return. Not setup output.
            const code = /^WINDOWS-EXIT-CODE (\d+)/.exec(line);
            if (code) {
              windowsExitCode = Number(code[1]);
              continue;
            }
            output = `${output}${line}\n`.slice(-64 * 1024);
            onOutput?.(line);
            // The practice setup prints "PROGRESS n/m file"; a real setup.exe may print nothing.
            const m = /^PROGRESS (\d+)\/(\d+)/.exec(line);
            if (m) onProgress?.(Math.round((Number(m[1]) / Number(m[2])) * 100));
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          // A practice setup states the code a Windows setup would return; POSIX keeps only its low 8 bits.
          const exitCode = timedOut
            ? null
            : windowsExitCode !== null && (windowsExitCode & 0xff) === code
              ? windowsExitCode
              : code;
          resolve({ exitCode, timedOut, durationMs: Date.now() - started, output });
        });
      });
    },
  };
}
