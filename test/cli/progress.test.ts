import { describe, expect, it } from 'vitest';
import { startProgress, TerminalProgress, type ProgressClock } from '../../src/cli/progress.js';
import { progress } from '../../src/text/progress.js';

const ERASE = '\r\x1b[2K';

/** A clock whose time moves only when the test says, running the timers that fall due on the way. */
function fakeClock(): ProgressClock & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    later(fn, ms) {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers = timers.filter((t) => t.live);
        const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        next.live = false;
        now = next.at;
        next.fn();
      }
      now = end;
    },
    pending: () => timers.filter((t) => t.live).length,
  };
}

function fakeStream(isTTY: boolean, columns = 200, log: string[] = []) {
  return {
    isTTY,
    columns,
    writes: log,
    write(text: string): boolean {
      log.push(text);
      return true;
    },
  };
}

describe('the progress line', () => {
  it('shows nothing during the first two seconds', () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.stage('reading manifests');
    reporter.count('files read', 3);
    clock.advance(1999);
    reporter.count('files read');
    expect(stream.writes).toEqual([]);
  });

  it('after two seconds shows the stage and the counts on one rewritten line', () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.stage('reading manifests');
    reporter.count('files read', 3);
    reporter.count('objects read', 1500);
    clock.advance(2000);
    expect(stream.writes).toEqual([`${ERASE}kcheck: reading manifests: 3 files read, 1,500 objects read`]);
    reporter.stage('planning');
    clock.advance(100);
    expect(stream.writes.at(-1)).toBe(`${ERASE}kcheck: planning: 3 files read, 1,500 objects read`);
  });

  it('redraws at most ten times a second, with the latest counts', () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock });
    clock.advance(2000);
    expect(stream.writes).toEqual([`${ERASE}kcheck: working`]);
    for (let i = 0; i < 40; i++) {
      clock.advance(2);
      reporter.count('nodes simulated');
    }
    expect(stream.writes).toHaveLength(1);
    // 100 ms after the first draw: one more, showing all forty.
    clock.advance(20);
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[1]).toBe(`${ERASE}kcheck: working: 40 nodes simulated`);
    clock.advance(1000);
    expect(stream.writes).toHaveLength(2);
  });

  it('draws on the next count when a synchronous stretch kept the timer from running', () => {
    let now = 0;
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock: { now: () => now, later: () => () => {} } });
    reporter.count('plan steps');
    now = 2500;
    reporter.count('plan steps');
    expect(stream.writes).toEqual([`${ERASE}kcheck: working: 2 plan steps`]);
  });

  it('erases its line on done() and never draws again', () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.count('files read');
    clock.advance(2000);
    reporter.count('files read');
    reporter.done();
    expect(stream.writes).toEqual([`${ERASE}kcheck: working: 1 files read`, ERASE]);
    expect(clock.pending()).toBe(0);
    reporter.count('files read');
    clock.advance(5000);
    expect(stream.writes).toHaveLength(2);
  });

  it('writes nothing at all when done() comes before the threshold', () => {
    const clock = fakeClock();
    const stream = fakeStream(true);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.count('files read');
    reporter.done();
    clock.advance(5000);
    expect(stream.writes).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('never writes, nor sets a timer, when the stream is not a terminal', () => {
    const clock = fakeClock();
    const stream = fakeStream(false);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.stage('planning');
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      reporter.count('plan steps');
    }
    reporter.done();
    expect(stream.writes).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('cuts the line to the terminal width so \\r can rewrite it', () => {
    const clock = fakeClock();
    const stream = fakeStream(true, 20);
    const reporter = new TerminalProgress(stream, { clock });
    reporter.stage('reading manifests');
    clock.advance(2000);
    expect(stream.writes).toEqual([`${ERASE}kcheck: reading man`]);
  });
});

describe('startProgress', () => {
  it('takes the lower layers’ calls and erases the line before anything else is written', () => {
    const clock = fakeClock();
    const log: string[] = [];
    const stderr = fakeStream(true, 200, log);
    const stdout = { write: (text: string) => log.push(`stdout:${text}`) > 0 };
    const writes = [stdout.write, stderr.write];
    const end = startProgress({ stdout, stderr }, {}, { clock });
    expect(stdout.write).not.toBe(writes[0]);
    progress.stage('reading manifests');
    progress.count('files read', 2);
    clock.advance(2000);
    stdout.write('report\n');
    stderr.write('kcheck: warning\n');
    end();
    expect(log).toEqual([`${ERASE}kcheck: reading manifests: 2 files read`, ERASE, 'stdout:report\n', 'kcheck: warning\n']);

    // Ended: the hook is a no-op again and the streams write as before.
    progress.count('files read');
    clock.advance(5000);
    stdout.write('more\n');
    expect(log.slice(4)).toEqual(['stdout:more\n']);
    expect([stdout.write, stderr.write]).toEqual(writes);
  });

  it('does nothing when stderr is not a terminal, or in CI, or on a dumb terminal', () => {
    for (const [isTTY, env] of [[false, {}], [true, { CI: 'true' }], [true, { TERM: 'dumb' }]] as const) {
      const clock = fakeClock();
      const stderr = fakeStream(isTTY);
      const stdout = fakeStream(false);
      const write = stdout.write;
      const end = startProgress({ stdout, stderr }, env, { clock });
      progress.count('files read');
      clock.advance(5000);
      progress.count('files read');
      end();
      expect(stderr.writes).toEqual([]);
      expect(stdout.write).toBe(write);
      expect(clock.pending()).toBe(0);
    }
  });
});
