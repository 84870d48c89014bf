/** Test support only: an engine over a plan of stand-in steps, with no server behind it. */
import type { Host } from '../core/ports';
import type { Profile } from '../core/profile';
import type { StepDefinition } from '../core/run/context';
import { type EngineSetup, UpgradeEngine } from '../core/run/engine';
import { farmContext } from '../core/farm/farm-session';

export const STAND_IN_PROFILE: Profile = {
  format: 1,
  product: 'crm',
  iis: { siteName: 'CRM' },
  markers: [],
  installedVersion: { kind: 'file', file: 'v.txt', pattern: '(.*)' },
  licence: { kind: 'file', file: 'l.txt', pattern: '(.*)' },
  connections: { file: 'web.config' },
  backupExclusions: [],
};

/** The engine alone: its state folder and its kit are `kitDir`, the plan is the given steps. */
export function standInEngine(
  kitDir: string,
  definitions: StepDefinition[],
  restored?: EngineSetup['restored'],
): UpgradeEngine {
  const host = { system: { mode: 'practice', stateDir: async () => kitDir } } as unknown as Host;
  return new UpgradeEngine({
    host,
    kit: null,
    kitProblem: null,
    kitDir,
    kitVersionText: '7.8.5.13100517_x64',
    profile: STAND_IN_PROFILE,
    discovery: {
      hostname: 'H',
      site: null,
      mobileSite: null,
      connections: [],
      installedVersion: null,
      problem: null,
    },
    farm: farmContext(kitDir, '7.8.5.13100517_x64', 'H'),
    options: { setupTimeoutMs: 1000, poolStopTimeoutMs: 1000, allowedKitExtras: [] },
    definitions,
    events: { session: () => undefined, progress: () => undefined, log: () => undefined },
    ...(restored ? { restored } : {}),
  });
}
