import { UpgradeError, msg } from '../shared/message';
import type { Message } from '../shared/message';
import { readConnections } from './crm/web-config';
import type { Host } from './ports';
import type { Profile } from './profile';
import type { Discovery } from './run/context';
import { readInstalledVersion } from './steps/read-install';

/** What the engine learns about the server before planning: the CRM's site, connections and version. */
export async function discover(host: Host, profile: Profile, correctedPath?: string): Promise<Discovery> {
  const hostname = await host.system.hostname();
  let problem: Message | null = null;
  const found = await host.iis.findCrm(profile.iis.siteName).catch((err: unknown) => {
    problem =
      err instanceof UpgradeError
        ? err.message_
        : msg('check.installation.no-site.finding', { site: profile.iis.siteName });
    return null;
  });
  // The procedure's "Info Server → [Path:]": the admin may correct the folder IIS reports.
  const site = correctedPath
    ? {
        ...(found ?? {
          siteName: profile.iis.siteName,
          appPath: '/',
          pools: profile.iis.appPools ?? [],
          url: profile.url ?? '',
        }),
        physicalPath: correctedPath,
      }
    : found && profile.iis.appPools
      ? { ...found, pools: profile.iis.appPools }
      : found;
  if (correctedPath) problem = null;
  const mobileSite = profile.iis.mobileSiteName
    ? await host.iis.findCrm(profile.iis.mobileSiteName).catch(() => null)
    : null;
  let connections: Discovery['connections'] = [];
  if (site) {
    connections = await readConnections(
      site.physicalPath,
      profile.connections.file,
      host.decryptConnections,
    ).catch((err: unknown) => {
      problem =
        err instanceof UpgradeError
          ? err.message_
          : msg('crm.web-config.invalid', { path: site.physicalPath });
      return [];
    });
  }
  const installedVersion = site
    ? await readInstalledVersion({ host, physicalPath: site.physicalPath, connections, profile })
    : null;
  return { hostname, site, mobileSite, connections, installedVersion, problem };
}
