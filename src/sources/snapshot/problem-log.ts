import type { SnapshotPart, SnapshotProblem } from './types.js';

/** Problems of one part kept in full up to this many; the rest are counted. */
const KEEP_PER_PART = 50;

/** Collects problems; a badly damaged file yields a readable list, not millions of lines. */
export class ProblemLog {
  private readonly kept: SnapshotProblem[] = [];
  private readonly perPart = new Map<SnapshotPart, number>();

  private readonly tolerated: SnapshotProblem[] = [];

  /**
   * Damage etcd reads around (a restore succeeds and etcd serves the same
   * data): kcheck is stricter than etcd here and says so as a warning.
   */
  tolerate(part: SnapshotPart, message: string, page?: number): void {
    if (this.tolerated.length >= KEEP_PER_PART) return;
    this.tolerated.push(page === undefined ? { part, message } : { part, page, message });
  }

  warnings(): SnapshotProblem[] {
    return [...this.tolerated];
  }

  add(part: SnapshotPart, message: string, page?: number): void {
    const n = (this.perPart.get(part) ?? 0) + 1;
    this.perPart.set(part, n);
    if (n > KEEP_PER_PART) return;
    this.kept.push(page === undefined ? { part, message } : { part, page, message });
  }

  /** A problem that explains the ones found before it (a truncation explains the pages past the end): listed first. */
  addFirst(part: SnapshotPart, message: string): void {
    this.perPart.set(part, (this.perPart.get(part) ?? 0) + 1);
    this.kept.unshift({ part, message });
  }

  addAll(problems: readonly SnapshotProblem[]): void {
    for (const p of problems) this.add(p.part, p.message, p.page);
  }

  count(part?: SnapshotPart): number {
    if (part) return this.perPart.get(part) ?? 0;
    let n = 0;
    for (const v of this.perPart.values()) n += v;
    return n;
  }

  list(): SnapshotProblem[] {
    const out = [...this.kept];
    for (const [part, n] of this.perPart) {
      if (n > KEEP_PER_PART) out.push({ part, message: `... and ${n - KEEP_PER_PART} more ${part} problems` });
    }
    return out;
  }
}
