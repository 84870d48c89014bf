import type { Host } from '../../core/ports';

export async function openPracticeHost(_dir: string): Promise<Host> {
  throw new Error('openPracticeHost: being written');
}
