import { type Message, UpgradeError, msg } from '../../shared/message';
import type { PowerShellRunner, ScriptResult } from './powershell';

/**
 * The upgrade manager's folders on a Windows server (its state, the backups): for Administrators
 * and SYSTEM only. Protect-Folder.ps1 makes a missing one with that ACL and describes an
 * existing one; what is acceptable is decided here, where the tests can see it.
 */

export const ADMINISTRATORS_SID = 'S-1-5-32-544';
export const SYSTEM_SID = 'S-1-5-18';
const TRUSTED = new Set([ADMINISTRATORS_SID, SYSTEM_SID]);

export type FolderFacts = ScriptResult<'Protect-Folder'>;

/** A drive path (`D:\…`) or a share (`\\server\share\…`); not `\x` (the current drive), nor `\\?\` or `\\.\` device paths. */
export function isFullWindowsPath(dir: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(dir) || /^[\\/]{2}[^\\/?.][^\\/]*[\\/][^\\/]+/.test(dir);
}

/** Why the folder the script described is not for Administrators and SYSTEM only, or null when it is. */
export function folderProblem(dir: string, facts: FolderFacts): Message | null {
  if (!facts.exists) return msg('host-protection.folder-failed', { dir });
  // A junction or link decides where writes and deletes land: never followed, whatever its target.
  if (facts.reparsePoint) return msg('host-protection.folder-link', { dir });
  if (!facts.isDirectory) return msg('host-protection.folder-not-folder', { dir });
  if (facts.aclUnreadable || !facts.owner) return msg('host-protection.folder-closed', { dir });
  if (!TRUSTED.has(facts.owner.sid))
    return msg('host-protection.folder-owner', { dir, owner: facts.owner.name || facts.owner.sid });
  // Deny rules take nothing away from the protection; any other allow rule lets someone in.
  const others = [...new Set(facts.rules.filter((r) => r.allow && !TRUSTED.has(r.sid)).map((r) => r.name))];
  if (others.length > 0) return msg('host-protection.folder-open', { dir, who: others.join(', ') });
  if (!facts.inheritanceProtected) return msg('host-protection.folder-inherits', { dir });
  return null;
}

/** Makes or checks `dir`; the folder's path, or an UpgradeError that says what to do. */
export async function protectFolder(runner: PowerShellRunner, dir: string): Promise<string> {
  if (!isFullWindowsPath(dir)) throw new UpgradeError(msg('host-protection.folder-relative', { dir }));
  let facts: FolderFacts;
  try {
    facts = (await runner.run('Protect-Folder', { path: dir })).result;
  } catch (err) {
    throw new UpgradeError(msg('host-protection.folder-failed', { dir }), String(err));
  }
  const problem = folderProblem(dir, facts);
  if (problem) throw new UpgradeError(problem, JSON.stringify(facts));
  return dir;
}
