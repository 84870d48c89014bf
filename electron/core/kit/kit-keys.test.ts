import { describe, expect, it } from 'vitest';
import { sourceResourcesDir } from '../resources';
import { loadTrustedKeys } from './kit-keys';

const resources = sourceResourcesDir();

describe('the practice key is trusted only where practice mode is allowed', () => {
  it('the packaged admin edition refuses to load it, even when asked for practice mode', async () => {
    await expect(
      loadTrustedKeys(resources, true, { build: { packaged: true, edition: 'admin' } }),
    ).rejects.toMatchObject({
      message_: { key: 'practice-edition.refused' },
    });
    const vendorOnly = await loadTrustedKeys(resources, false, {
      build: { packaged: true, edition: 'admin' },
    });
    expect(vendorOnly.length).toBeGreaterThan(0);
    expect(vendorOnly.every((k) => k.kind === 'vendor')).toBe(true);
  });

  it('the practice edition and a clone load it in practice mode', async () => {
    for (const packaged of [true, false]) {
      const keys = await loadTrustedKeys(resources, true, { build: { packaged, edition: 'practice' } });
      expect(keys.map((k) => k.kind)).toContain('practice');
    }
    // From a clone the process's own facts apply: not packaged, so practice is allowed.
    expect((await loadTrustedKeys(resources, true)).map((k) => k.kind)).toContain('practice');
  });
});
