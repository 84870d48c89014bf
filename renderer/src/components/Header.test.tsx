import { describe, expect, it } from 'vitest';
import { createUpgradeStore } from '../store';
import { FakeBridge, session } from '../testing/fixtures';
import { renderCapturing } from '../testing/render';
import { Header, LockoutFact } from './Header';

describe('Header: the lockout window (issue 11)', () => {
  // 21:04 on this machine's clock, whatever its time zone.
  const since = new Date(2026, 10, 27, 21, 4, 30).toISOString();
  const now = () => Date.parse(since) + 12 * 60_000 + 10_000;

  it('says since when users are locked out and for how long, in Italian by default and in English', () => {
    const s = session({ run: { state: 'running', lockout: { since } } });
    const store = createUpgradeStore(new FakeBridge(s), { session: s, load: false });
    expect(renderCapturing(LockoutFact, { since, now }, store).html).toContain(
      'Utenti esclusi dalle 21:04 (da 12 min)',
    );
    expect(renderCapturing(LockoutFact, { since, now }, store, 'en').html).toContain(
      'Users locked out since 21:04 (12 min ago)',
    );
    expect(renderCapturing(Header, { session: s }, store).html).toContain('data-testid="lockout"');
  });

  it('shows nothing of it when no lockout is on', () => {
    const s = session({ run: { state: 'running' } });
    const store = createUpgradeStore(new FakeBridge(s), { session: s, load: false });
    expect(renderCapturing(Header, { session: s }, store).html).not.toContain('data-testid="lockout"');
  });
});
