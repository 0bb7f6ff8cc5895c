import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/report/html.js';
import { runCli } from '../helpers/run-cli.js';

/** Debian's chromium (scripts/install-test-deps.sh installs it). */
const CHROMIUM = '/usr/bin/chromium';

/** Where the screenshot is left for a person to look at. */
export const SCREENSHOT = path.join(tmpdir(), 'kcheck-demo-report.png');

const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-html-'));
const page = path.join(dir, 'demo.html');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chromium(args: string[]): { stdout: string; stderr: string } {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-test-deps.sh`);
  const run = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-logging=stderr',
      '--v=0',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      '--window-size=1400,3000',
      '--hide-scrollbars',
      ...args,
      pathToFileURL(page).href,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) throw run.error;
  return { stdout: run.stdout, stderr: run.stderr };
}

interface JsonFinding {
  message: string;
  suppressed: unknown;
}

describe('html report in a browser', () => {
  let dom = '';
  let console = '';
  const findings = (JSON.parse(runCli(['demo', '--format', 'json']).stdout) as { findings: JsonFinding[] }).findings;

  beforeAll(() => {
    const written = runCli(['demo', '--format', 'html', '-o', page]);
    expect(written.code, written.stderr).toBe(0);
    const run = chromium(['--dump-dom']);
    dom = run.stdout;
    console = run.stderr;
  }, 120_000);

  it('runs its script to the end without an error', () => {
    expect(dom).toMatch(/^<!DOCTYPE html>\n<html [^>]*data-kcheck-ready="true"/);
    expect(dom).not.toMatch(/<html [^>]*data-script-error/);
    expect(console).not.toMatch(/Uncaught|SyntaxError|ReferenceError|TypeError/);
  });

  it('shows every finding that is not suppressed, and counts them', () => {
    // The findings table's rows; the backups table above it has rows of its own.
    const rows = dom.split('id="findings"')[1]!.split('<tr ').slice(1);
    expect(rows).toHaveLength(findings.length);
    for (const f of findings) {
      const row = rows.find((r) => r.includes(escapeHtml(f.message).replace(/&#39;/g, "'").replace(/&quot;/g, '"')));
      expect(row, f.message).toBeDefined();
      // The script hides what the filters leave out: suppressed findings, until asked for.
      expect(/^[^>]*\bhidden\b/.test(row!)).toBe(f.suppressed !== null);
    }
    const open = findings.filter((f) => f.suppressed === null).length;
    expect(dom).toContain(`<span class="meta" id="shown">${open} of ${findings.length}</span>`);
  });

  it('draws the backups table: one row per backup of the demo, with the rules\' verdict', () => {
    const section = dom.split('<section id="backups">')[1]!.split('</section>')[0]!;
    const verdicts = [...section.matchAll(/<tr data-verdict="(\w+)">/g)].map((m) => m[1]);
    expect(verdicts).toEqual(['error', 'warning', 'warning', 'warning', 'warning', 'warning', 'error', 'warning']);
  });

  it('takes a screenshot of the page', () => {
    rmSync(SCREENSHOT, { force: true });
    chromium([`--screenshot=${SCREENSHOT}`]);
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Width and height from the PNG header: the window asked for.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1400, 3000]);
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
  }, 120_000);
});
