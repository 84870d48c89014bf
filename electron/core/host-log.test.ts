import { describe, expect, it } from 'vitest';
import { msg } from '../shared/message';
import { heldHostLog } from './host-log';

describe('the host log held until the session attaches', () => {
  it('passes on what was said before, in order, then everything as it comes', () => {
    const held = heldHostLog();
    held.log('info', msg('windows.powershell.started'), 'PowerShell 5.1');
    held.log('warn', msg('windows.powershell.restarted'), 'timed out');
    const seen: string[] = [];
    held.attach((level, message, detail) => seen.push(`${level} ${message.key} ${detail ?? ''}`));
    held.log('error', msg('windows.powershell.unavailable'));
    expect(seen).toEqual([
      'info windows.powershell.started PowerShell 5.1',
      'warn windows.powershell.restarted timed out',
      'error windows.powershell.unavailable ',
    ]);
  });

  it('holds at most its limit while nobody listens', () => {
    const held = heldHostLog(2);
    for (let i = 0; i < 5; i++) held.log('info', msg('windows.powershell.started'), String(i));
    const seen: string[] = [];
    held.attach((_l, _m, detail) => seen.push(detail ?? ''));
    expect(seen).toEqual(['0', '1']);
  });
});
