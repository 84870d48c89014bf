import { randomBytes } from 'node:crypto';
import type { Step } from '../../shared/plan';
import type { StepDefinition } from './context';

/** The kit's folder for a server: its name, made safe for any file system. */
export function hostFolderName(hostname: string): string {
  return hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'server';
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
}

/** The plan's steps as a new run starts them: all pending. */
export function freshSteps(definitions: readonly StepDefinition[]): Step[] {
  return definitions.map((d) => ({
    id: d.id,
    phase: d.phase,
    kind: d.kind,
    ...(d.severity ? { severity: d.severity } : {}),
    optional: d.optional ?? false,
    skippable: d.skippable,
    title: d.title,
    ...(d.instructions ? { instructions: d.instructions } : {}),
    status: 'pending',
    evidence: {},
  }));
}
