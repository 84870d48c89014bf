import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Databases } from '../../core/ports';
import { UpgradeError } from '../../shared/message';
import { openWindowsHost } from './index';
import { RESULT_PREFIX, SESSION_INIT, type ShellFactory } from './powershell';

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const databases = {} as Databases;

describe('openWindowsHost', () => {
  it('composes the ports over one PowerShell session and the given Databases', async () => {
    let sessions = 0;
    const shell: ShellFactory = () => {
      sessions++;
      return {
        async invoke(command) {
          if (command === SESSION_INIT) return { stdout: 'CRMUM-READY 5.1\n', stderr: '' };
          const envelope = { ok: true, output: '{"elevated":true,"user":"x"}', warnings: [], error: null };
          return {
            stdout: `${RESULT_PREFIX}${Buffer.from(JSON.stringify(envelope)).toString('base64')}\n`,
            stderr: '',
          };
        },
        dispose: async () => undefined,
      };
    };
    const host = await openWindowsHost({
      scriptsDir: SCRIPTS_DIR,
      databases,
      shell,
      env: { PROCESSOR_ARCHITECTURE: 'AMD64' },
      arch: 'x64',
    });
    expect(host.databases).toBe(databases);
    expect(host.system.mode).toBe('windows');
    expect(sessions).toBe(0); // PowerShell starts on the first script, not on open
    expect(await host.system.isElevated()).toBe(true);
    expect(await host.system.isElevated()).toBe(true);
    expect(sessions).toBe(1);
    await host.dispose();
  });

  it('refuses to open the real host anywhere but Windows', async () => {
    const err = (await openWindowsHost({ scriptsDir: SCRIPTS_DIR, databases, platform: 'linux' }).catch(
      (e: unknown) => e,
    )) as UpgradeError;
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.message_).toEqual({ key: 'windows.not-windows', params: { platform: 'linux' } });
  });
});
