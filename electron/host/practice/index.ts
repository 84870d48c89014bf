import { access } from 'node:fs/promises';
import { UpgradeError, msg } from '../../shared/message';
import type { Host } from '../../core/ports';
import { CONNECTIONS } from './content';
import { practiceDatabases } from './databases';
import { practiceIis } from './iis';
import { paths, practiceFarmOf, readJson, serverFileSchema } from './layout';
import { practiceProcesses } from './processes';
import { practiceSystem } from './system';

export { initPracticeServer } from './init';
export { initPracticeFarm } from './farm-init';

/** Opens a practice server folder as the engine's host. It refuses any folder that is not one. */
export async function openPracticeHost(dir: string): Promise<Host> {
  const p = paths(dir);
  try {
    await access(p.server);
    await readJson(p.server, serverFileSchema);
  } catch (err) {
    throw new UpgradeError(msg('practice.not-a-practice-server', { dir }), String(err));
  }
  // A farm member: refused unless its farm, one folder up, lists it.
  practiceFarmOf(dir);
  const system = practiceSystem(dir);
  const iis = practiceIis(dir, () => system.stateDir());
  const databases = practiceDatabases(dir);
  return {
    system,
    iis,
    processes: practiceProcesses(dir),
    databases,
    practice: {
      async logOffAllUsers() {
        let count = 0;
        for (const name of await databases.names()) {
          const db = await databases.load(name);
          count += db.connectedUsers.length;
          if (db.connectedUsers.length > 0) await databases.save({ ...db, connectedUsers: [] });
        }
        return count;
      },
      /**
       * What pressing "Aggiorna Database" in the CRM does: the database takes the application's
       * version. The admin works on the server itself, so the request is a loopback one: it gets
       * through the lockout.
       */
      async pressAggiornaDatabase(connection) {
        const site = await iis.findCrm('CRM');
        if (!site) throw new UpgradeError(msg('practice.crm-not-answering', { status: 404 }));
        const answer = await iis.request(site, 'loopback');
        if (answer.status !== 200 || !answer.version) {
          throw new UpgradeError(msg('practice.crm-not-answering', { status: answer.status }));
        }
        const conn = CONNECTIONS.find((c) => c.name === connection);
        if (!conn) throw new UpgradeError(msg('practice.connection-unknown', { connection }));
        const db = await databases.load(conn.database);
        await databases.save({ ...db, schemaVersion: answer.version });
      },
      /**
       * A user logs in from their PC: the request comes from outside, so during the lockout it
       * gets the maintenance page and nobody is added; otherwise the CRM lists them as connected.
       */
      async userLogsIn(connection, user) {
        const conn = CONNECTIONS.find((c) => c.name === connection);
        if (!conn) throw new UpgradeError(msg('practice.connection-unknown', { connection }));
        const site = await iis.findCrm('CRM');
        const answer = site ? await iis.request(site, 'outside') : { status: 404 };
        if (answer.status !== 200) return { admitted: false, status: answer.status };
        const db = await databases.load(conn.database);
        const entry = {
          user,
          host: `PC-${user.toUpperCase()}`.slice(0, 15),
          since: new Date().toISOString(),
        };
        await databases.save({
          ...db,
          connectedUsers: [...db.connectedUsers.filter((u) => u.user !== user), entry],
        });
        return { admitted: true, status: answer.status };
      },
    },
  };
}
