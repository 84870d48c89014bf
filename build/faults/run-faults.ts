// npm run test:faults [-- --kills N --seed S]: practice upgrades killed at random, then continued
// or rolled back; prints each trial, the count of each outcome, and what any other end state left.
import { parseArgs } from 'node:util';
import { runFaults } from './faults';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '30' }, seed: { type: 'string' }, keep: { type: 'boolean' } },
});
const kills = Number(values.kills);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 100_000;
process.stdout.write(`fault injection: ${kills} kills, seed ${seed}\n`);
const trials = await runFaults({
  kills,
  seed,
  keep: values.keep ?? false,
  onTrial: (t) =>
    process.stdout.write(
      `#${t.index} killed at record ${t.killAt}${t.killedAgainAt ? `, again at ${t.killedAgainAt}` : ''}, then ${t.mode}: ${t.outcome}${t.left.length ? ` — left: ${t.left.join('; ')} (${t.dir})` : ''}\n`,
    ),
});
const count = (o: string) => trials.filter((t) => t.outcome === o).length;
process.stdout.write(
  `\nupgraded ${count('upgraded')}, rolled back ${count('rolled-back')}, any other state ${count('other')}\n`,
);
process.exitCode = count('other') === 0 ? 0 : 1;
