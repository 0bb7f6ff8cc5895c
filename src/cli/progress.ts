import { setProgress, type ProgressHook } from '../text/progress.js';

/** Where the progress line is drawn: stderr, and only when it is a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  /** The terminal's width; the line is cut to fit so `\r` can always rewrite it. */
  columns?: number;
  write(text: string): unknown;
}

/** Time for the reporter; tests give a fake one so nothing sleeps. */
export interface ProgressClock {
  now(): number;
  /** Calls `fn` after `ms`; the timer must never keep the process alive. Returns the function that cancels it. */
  later(fn: () => void, ms: number): () => void;
}

const systemClock: ProgressClock = {
  now: () => performance.now(),
  later(fn, ms) {
    const timer = setTimeout(fn, ms);
    // A run that is done must exit at once, not when the next redraw was due.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface ProgressOptions {
  clock?: ProgressClock;
  /** Nothing is shown for a run shorter than this (default 2 s). */
  delayMs?: number;
  /** Redraws are at least this far apart (default 100 ms: at most ten a second). */
  intervalMs?: number;
}

/** Back to the start of the line and clear it (ESC[2K). */
const ERASE = '\r\x1b[2K';

/**
 * One line on the terminal, rewritten in place, once a run has taken longer
 * than about two seconds: `kcheck: planning: 12 files read, 48,210 objects
 * read, 9 plan steps`. Nothing at all when the stream is not a terminal. The
 * counts come from the lower layers through src/text/progress.ts.
 */
export class TerminalProgress implements ProgressHook {
  private stageName = 'working';
  private readonly counts = new Map<string, number>();
  private readonly enabled: boolean;
  private readonly clock: ProgressClock;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly startedAt: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | null = null;
  private onScreen = false;
  private finished = false;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.enabled = stream.isTTY === true;
    this.clock = options.clock ?? systemClock;
    this.delayMs = options.delayMs ?? 2000;
    this.intervalMs = options.intervalMs ?? 100;
    this.startedAt = this.clock.now();
    // The first draw comes from the timer, so a run waiting on I/O shows its line too.
    if (this.enabled) this.schedule(this.delayMs);
  }

  stage(name: string): void {
    if (name === this.stageName) return;
    this.stageName = name;
    this.update();
  }

  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
    this.update();
  }

  /** Erases the line, if drawn, so other output starts on a clean one; the next update draws it again. */
  clear(): void {
    if (!this.onScreen) return;
    this.onScreen = false;
    this.stream.write(ERASE);
  }

  /** Erases the line for good: nothing is drawn after this. */
  done(): void {
    this.finished = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.clear();
  }

  /** The text of the line, without the escape codes. */
  text(): string {
    const counts = [...this.counts].map(([what, n]) => `${n.toLocaleString('en-US')} ${what}`);
    return `kcheck: ${this.stageName}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  }

  private update(): void {
    if (!this.enabled || this.finished) return;
    const now = this.clock.now();
    // Before the threshold the start-up timer draws; a synchronous stretch that starves it is caught here.
    if (now - this.startedAt < this.delayMs) return;
    const wait = this.lastDraw + this.intervalMs - now;
    if (wait <= 0) this.draw(now);
    else if (this.cancelTimer === null) this.schedule(wait);
  }

  private schedule(ms: number): void {
    this.cancelTimer = this.clock.later(() => {
      this.cancelTimer = null;
      this.draw(this.clock.now());
    }, ms);
  }

  private draw(now: number): void {
    if (this.finished) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.lastDraw = now;
    this.onScreen = true;
    const width = this.stream.columns;
    const text = this.text();
    // One column short of the width: a line that wraps can no longer be erased with \r.
    this.stream.write(ERASE + (width !== undefined && width > 1 && text.length >= width ? text.slice(0, width - 1) : text));
  }
}

/** A stream whose writes can be watched: process.stdout and process.stderr, or fakes in tests. */
interface WatchedStream extends ProgressStream {
  write(...args: never[]): unknown;
}

/** Makes every write to `stream` erase the progress line first; returns the function that undoes it. */
function eraseBeforeWrites(stream: WatchedStream, reporter: TerminalProgress): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'write');
  const original = stream.write;
  stream.write = function (this: unknown, ...args: never[]) {
    reporter.clear();
    return Reflect.apply(original, this, args) as unknown;
  };
  return () => {
    if (own) Object.defineProperty(stream, 'write', own);
    else delete (stream as { write?: unknown }).write;
  };
}

/** Whether a progress line may be drawn: stderr is a terminal that understands escapes, and this is not CI. */
function wantsProgress(stderr: ProgressStream, env: NodeJS.ProcessEnv): boolean {
  if (stderr.isTTY !== true || env['TERM'] === 'dumb') return false;
  const ci = env['CI'];
  return ci === undefined || ci === '' || ci === '0' || ci === 'false';
}

export interface ProgressStreams {
  stdout: WatchedStream;
  stderr: WatchedStream;
}

/**
 * Starts the progress line for this run: the lower layers' progress calls go
 * to it, and anything written to stdout or stderr (a report, an error, a
 * warning) erases it first. Does nothing unless stderr is a terminal, so
 * pipes, files, CI logs and JSON/SARIF on stdout never see it. Returns the
 * function that ends it, erasing the line.
 */
export function startProgress(
  streams: ProgressStreams = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
  options: ProgressOptions = {},
): () => void {
  const { stdout, stderr } = streams;
  if (!wantsProgress(stderr, env)) return () => {};
  const write = stderr.write.bind(stderr) as (text: string) => unknown;
  const reporter = new TerminalProgress(
    {
      isTTY: true,
      get columns() {
        return stderr.columns;
      },
      write,
    },
    options,
  );
  const unhook = setProgress(reporter);
  const unwatch = [stdout, stderr].map((s) => eraseBeforeWrites(s, reporter));
  return () => {
    reporter.done();
    unhook();
    for (const undo of unwatch) undo();
  };
}
