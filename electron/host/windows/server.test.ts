import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTdsServer } from '../../testing/tds';
import type { CrmConnection } from '../../core/ports';
import { engineCatalog } from '../../shared/i18n';
import type { Message, UpgradeError } from '../../shared/message';
import { SERVER_FACTS, protectedFolderFacts } from './fixtures/folder-and-os-facts';
import { RESULT_PREFIX, SESSION_INIT, type ShellFactory } from './powershell';
import { openWindowsServer, sqlBackupFolder, sqlServiceAccount } from './server';
import { isThisServer } from './sql/connection-config';

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const CRM = { user: 'crm', password: 'Crm!2024' };
const server = useTdsServer({ logins: [CRM] });

/** A PowerShell that answers Protect-Folder only, recording what each script was asked. */
function shellProtectingFolders(calls: { script: string; params: Record<string, unknown> }[]): ShellFactory {
  const un = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const nameOfText = new Map(
    readdirSync(SCRIPTS_DIR)
      .filter((f) => f.endsWith('.ps1'))
      .map((f) => [readFileSync(path.join(SCRIPTS_DIR, f), 'utf8').replace(/^\uFEFF/, ''), f.slice(0, -4)]),
  );
  return () => ({
    async invoke(command) {
      if (command === SESSION_INIT) return { stdout: 'CRMUM-READY 5.1.17763.1 FullLanguage\n', stderr: '' };
      const m = /-S '([A-Za-z0-9+/=]+)' -P '([A-Za-z0-9+/=]+)'$/.exec(command);
      const script = m ? (nameOfText.get(un(m[1] ?? '')) ?? '?') : '?';
      const params = m ? (JSON.parse(un(m[2] ?? '')) as Record<string, unknown>) : {};
      calls.push({ script, params });
      if (script !== 'Protect-Folder') throw new Error(`unexpected script ${script}`);
      const envelope = {
        ok: true,
        output: JSON.stringify(protectedFolderFacts(String(params.path))),
        warnings: [],
        error: null,
      };
      return {
        stdout: `${RESULT_PREFIX}${Buffer.from(JSON.stringify(envelope)).toString('base64')}\n`,
        stderr: '',
      };
    },
    dispose: async () => undefined,
  });
}

const connection = (dataSource: string): CrmConnection => ({
  name: 'Produzione',
  server: dataSource,
  database: 'CRM_PROD',
  connectionString: `Data Source=${dataSource};Initial Catalog=CRM_PROD;User ID=${CRM.user};Password=${CRM.password};Encrypt=False`,
});

describe("the admin's backup folder on Windows (issue 14, review item 7)", () => {
  it('a SQL Server on this server writes the .bak into its SQL subfolder, made before the backup', async () => {
    const calls: { script: string; params: Record<string, unknown> }[] = [];
    const made: string[] = [];
    const logged: { level: string; message: Message }[] = [];
    const host = await openWindowsServer({
      scriptsDir: SCRIPTS_DIR,
      backupDir: 'D:\\Copie',
      hostname: 'SRV-CRM',
      log: (level, message) => void logged.push({ level, message }),
      host: {
        shell: shellProtectingFolders(calls),
        os: SERVER_FACTS,
        env: { PROCESSOR_ARCHITECTURE: 'AMD64' },
        arch: 'x64',
      },
      makeFolder: async (dir) => void made.push(dir),
    });
    // Anything the backup asks besides BACKUP itself: no rows (no compression, no msdb record).
    server.on(/[\s\S]*/, {});
    const c = connection(`127.0.0.1,${server.port}`);
    try {
      await host.databases.backup(c, () => undefined).catch(() => undefined);
    } finally {
      await host.dispose();
    }
    const backup = server.requests.find((r) => /BACKUP DATABASE/i.test(r.sql));
    expect(String(backup?.params.path?.value)).toMatch(
      /^D:\\Copie\\SQL\\CRM_PROD_\d{8}_\d{6}_crm-upgrade\.bak$/,
    );
    expect(calls).toEqual([{ script: 'Protect-Folder', params: { path: 'D:\\Copie' } }]);
    expect(made).toEqual(['D:\\Copie\\SQL']);
    expect(logged.map((l) => l.message)).toContainEqual({
      key: 'sql.backup-folder.chosen',
      params: { connection: 'Produzione', path: 'D:\\Copie\\SQL' },
    });
    expect(logged.map((l) => l.message)).toContainEqual({
      key: 'sql.backup-folder.made',
      params: { connection: 'Produzione', path: 'D:\\Copie\\SQL', account: 'NT SERVICE\\MSSQLSERVER' },
    });
  });

  it("SQL Server's service account refused in the SQL folder: the finding names the grant, on that folder only", async () => {
    const host = await openWindowsServer({
      scriptsDir: SCRIPTS_DIR,
      backupDir: 'D:\\Copie',
      hostname: 'SRV-CRM',
      host: {
        shell: shellProtectingFolders([]),
        os: SERVER_FACTS,
        env: { PROCESSOR_ARCHITECTURE: 'AMD64' },
        arch: 'x64',
      },
      makeFolder: async () => undefined,
    });
    server.on(/[\s\S]*/, {});
    server.on(/BACKUP DATABASE/, {
      errors: [
        {
          number: 3201,
          class: 16,
          message:
            "Cannot open backup device 'D:\\Copie\\SQL\\x.bak'. Operating system error 5(Access is denied.).",
        },
        { number: 3013, class: 16, message: 'BACKUP DATABASE is terminating abnormally.' },
      ],
    });
    const c = connection(`127.0.0.1,${server.port}`);
    const failure = await host.databases
      .backup(c, () => undefined)
      .then(
        () => null,
        (err: unknown) => err as UpgradeError,
      );
    await host.dispose();
    expect(failure?.message_).toEqual({
      key: 'sql.backup-folder.denied',
      params: { connection: 'Produzione', path: 'D:\\Copie\\SQL', account: 'NT SERVICE\\MSSQLSERVER' },
    });
    expect(engineCatalog.en['sql.backup-folder.denied.remedy']).toContain(
      'icacls "{{path}}" /grant "{{account}}:(OI)(CI)M"',
    );
    expect(failure?.detail).toContain('3201');
  });

  it.each([
    ['.\\SQLEXPRESS', 'D:\\Copie\\SQL'],
    ['(local)', 'D:\\Copie\\SQL'],
    ['SRV-CRM\\CRM', 'D:\\Copie\\SQL'],
    ['tcp:srv-crm.azienda.local,1500', 'D:\\Copie\\SQL'],
    // Another machine would read D:\Copie on its own disks: its instance's folder stays.
    ['DB01\\CRM', undefined],
    ['tcp:db01,1433', undefined],
  ])('Data Source=%s: the .bak folder is %s', (dataSource, want) => {
    const here = (s: string) => isThisServer(s, 'SRV-CRM');
    expect(sqlBackupFolder(connection(dataSource), 'D:\\Copie', here)).toBe(want);
    expect(sqlBackupFolder(connection(dataSource), undefined, here)).toBeUndefined();
  });

  it.each([
    ['.\\SQLEXPRESS', 'NT SERVICE\\MSSQL$SQLEXPRESS'],
    ['SRV-CRM\\CRM,1500', 'NT SERVICE\\MSSQL$CRM'],
    ['(local)', 'NT SERVICE\\MSSQLSERVER'],
  ])('the service account that writes the .bak for %s is %s', (dataSource, account) => {
    expect(sqlServiceAccount(dataSource)).toBe(account);
  });
});
