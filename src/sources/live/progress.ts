import { showHidden } from '../../text/hidden-characters.js';

/** Where the progress line goes: stderr, and only when it is a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

/**
 * One line on a terminal, rewritten in place while the lists are read:
 * `kcheck: reading prod: 7/12 resources, 41,200 objects`. Nothing at all when
 * the stream is not a terminal, so piped output and CI logs stay clean.
 */
export class Progress {
  private resourcesDone = 0;
  private resourcesTotal = 0;
  private objects = 0;
  private lastDraw = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream | null = process.stderr,
    private readonly intervalMs = 100,
  ) {
    this.enabled = Boolean(stream?.isTTY);
  }

  addResources(count: number): void {
    this.resourcesTotal += count;
    this.draw();
  }

  resourceDone(): void {
    this.resourcesDone++;
    this.draw(true);
  }

  addObjects(count: number): void {
    this.objects += count;
    this.draw();
  }

  private draw(force = false): void {
    if (!this.enabled || !this.stream) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.drawn = true;
    const objects = this.objects.toLocaleString('en-US');
    // The label is a kubeconfig context name: shown, never obeyed, by the terminal.
    this.stream.write(`\r\x1b[Kkcheck: reading ${showHidden(this.label)}: ${this.resourcesDone}/${this.resourcesTotal} resources, ${objects} objects`);
  }

  /** Clears the line so the report starts on a clean one. */
  finish(): void {
    if (this.enabled && this.drawn && this.stream) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
