import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchRefusal, parseLaunchArgs } from './args';

const cwd = path.resolve('/srv/work');

describe('parseLaunchArgs', () => {
  it('reads --practice and --kit after the executable and the script', () => {
    expect(
      parseLaunchArgs(
        ['/x/electron', 'out/main/index.js', '--practice', 'server', '--kit', '/media/kit'],
        cwd,
      ),
    ).toEqual({ practiceDir: path.join(cwd, 'server'), kitDir: path.resolve('/media/kit') });
  });

  it('accepts the --flag=DIR form', () => {
    expect(parseLaunchArgs(['app.exe', '--practice=p', '--kit=k'], cwd)).toEqual({
      practiceDir: path.join(cwd, 'p'),
      kitDir: path.join(cwd, 'k'),
    });
  });

  it('ignores a flag without a value and unrelated switches', () => {
    expect(parseLaunchArgs(['app.exe', '--practice', '--kit', 'k', '--inspect=9229'], cwd)).toEqual({
      kitDir: path.join(cwd, 'k'),
    });
    expect(parseLaunchArgs(['app.exe', '--practice'], cwd)).toEqual({});
    expect(parseLaunchArgs(['app.exe', '--practice='], cwd)).toEqual({});
  });

  it('does not treat look-alike flags as ours', () => {
    expect(parseLaunchArgs(['app.exe', '--practiced', 'x', '--kits', 'y'], cwd)).toEqual({});
  });
});

describe('launchRefusal', () => {
  const practice = parseLaunchArgs(['app.exe', '--practice', 'srv', '--kit', 'kit'], cwd);

  it('the packaged admin edition refuses --practice, naming the practice key', () => {
    expect(launchRefusal(practice, { packaged: true, edition: 'admin' })).toEqual({
      key: 'practice-edition.refused',
    });
  });

  it('the practice edition, a development start and a launch without --practice go on', () => {
    expect(launchRefusal(practice, { packaged: true, edition: 'practice' })).toBeNull();
    expect(launchRefusal(practice, { packaged: false, edition: 'admin' })).toBeNull();
    expect(
      launchRefusal(parseLaunchArgs(['app.exe', '--kit', 'kit'], cwd), { packaged: true, edition: 'admin' }),
    ).toBeNull();
  });
});
