/**
 * How the config loader's time grows with the number of keys: each shape is
 * loaded with --keys-small and with --keys-large keys (10 times as many by
 * default) and the growth exponent log(time ratio) / log(key ratio) is
 * printed: about 1 when the work is linear in the keys, 2 when quadratic.
 *
 *   npm run build && node build/test/bench/config-keys.js [--keys-small 2000] [--keys-large 20000] [--runs 3]
 *
 * Exits 1 when a shape grows faster than MAX_EXPONENT.
 */
import { rules } from '../../rules/index.js';
import { parseConfig } from '../../src/engine/config.js';
import { UsageError } from '../../src/engine/errors.js';

/** Between linear (1) and quadratic (2); fixed costs keep small inputs from looking faster than linear. */
const MAX_EXPONENT = 1.5;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? Number.NaN : Number(process.argv[at + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Config texts of `n` keys, each of which the loader must report or check. */
const SHAPES: Record<string, (n: number) => string> = {
  'unknown rules': (n) => `rules:\n${Array.from({ length: n }, (_, i) => `  no-such-rule-${i}: error\n`).join('')}`,
  'unknown fields': (n) => Array.from({ length: n }, (_, i) => `field${i}: 1\n`).join(''),
  'unknown options': (n) => `rules:\n  etcd-backup-stale:\n    options:\n${Array.from({ length: n }, (_, i) => `      option${i}: 1\n`).join('')}`,
  'repeated last key': (n) => `rules:\n${Array.from({ length: n }, (_, i) => `  no-such-rule-${i}: error\n`).join('')}  no-such-rule-0: off\n`,
};

/** Seconds for one load, the best of `runs`; the load must fail with a message per key (or the repeated key). */
function time(text: string, runs: number): { seconds: number; lines: number } {
  let best = Number.POSITIVE_INFINITY;
  let lines = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    try {
      parseConfig(text, 'bench.kcheck.yaml', rules);
      throw new Error('the config was accepted; every shape here is invalid');
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      lines = err.message.split('\n').length;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds: best, lines };
}

function main(): void {
  const small = option('--keys-small', 2000);
  const large = option('--keys-large', 20000);
  const runs = option('--runs', 3);
  if (large <= small) throw new Error('--keys-large must be more than --keys-small');
  let failed = false;
  console.log(`config keys: ${small} and ${large}, best of ${runs}`);
  for (const [shape, make] of Object.entries(SHAPES)) {
    // Once unmeasured, so compiling the code and the schemas is not counted against the small input.
    time(make(small), 1);
    const a = time(make(small), runs);
    const b = time(make(large), runs);
    const exponent = Math.log(b.seconds / a.seconds) / Math.log(large / small);
    console.log(
      `${shape.padEnd(18)} ${small} keys ${a.seconds.toFixed(3)} s  ${large} keys ${b.seconds.toFixed(3)} s  growth exponent ${exponent.toFixed(2)}  (${Math.max(1, b.lines - 1)} problems)`,
    );
    if (exponent > MAX_EXPONENT) {
      console.error(`${shape}: time grows as keys^${exponent.toFixed(2)}, more than keys^${MAX_EXPONENT}`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

main();
