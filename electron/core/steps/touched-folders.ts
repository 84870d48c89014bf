import path from 'node:path';
import { type Message, msg } from '../../shared/message';
import { isWithin } from '../files/paths';
import type { SignedKit } from '../kit/kit-verify';
import type { Discovery } from '../run/context';

/**
 * The other folders a kit says its setups change (issue 11): each is backed up, verified and
 * restored like the site's own. Where a folder is comes from the signed manifest and what
 * discovery found on this server, nothing else.
 */
export interface TouchedFolder {
  /** The manifest's name for it: the part after ':' in its step ids. */
  name: string;
  /** The setup that changes it, whose undo puts it back. */
  role: 'main' | 'mobile';
  /** As the manifest writes it, e.g. "{installPath}/../CRMServices". */
  declared: string;
}

/** The declared folders of the setups this server runs (MOBILE's only when MOBILE is installed). */
export function touchedFolders(
  kit: SignedKit | null,
  discovery: Pick<Discovery, 'mobileSite'>,
): TouchedFolder[] {
  const setups = kit?.manifest.setups ?? [];
  return setups
    .filter((s) => s.role === 'main' || discovery.mobileSite !== null)
    .flatMap((s) => (s.touches ?? []).map((t) => ({ name: t.name, role: s.role, declared: t.path })));
}

const isRoot = (p: string) => path.parse(p).root === path.resolve(p);

/**
 * The folder on this server, or why it cannot be one: its anchor site missing, a drive's root,
 * a folder that holds a site's folder or the backups, or one inside a site (its backup has it).
 */
export function resolveTouched(
  folder: TouchedFolder,
  discovery: Pick<Discovery, 'site' | 'mobileSite'>,
  backupDir: string,
): { path: string } | { problem: Message } {
  const [anchor = '', ...rest] = folder.declared.split('/');
  const site = anchor === '{installPath}' ? discovery.site : discovery.mobileSite;
  const params = { name: folder.name, declared: folder.declared };
  if (!site) return { problem: msg('backup.folder.no-anchor', params) };
  const resolved = path.resolve(site.physicalPath, ...rest);
  const sites = [discovery.site, discovery.mobileSite].flatMap((s) => (s ? [s.physicalPath] : []));
  const refused =
    isRoot(resolved) ||
    sites.some((s) => isWithin(s, resolved) || isWithin(resolved, s)) ||
    isWithin(backupDir, resolved);
  return refused
    ? { problem: msg('backup.folder.refused', { ...params, path: resolved }) }
    : { path: resolved };
}
