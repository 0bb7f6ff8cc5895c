import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { runCli, type CliRun } from '../helpers/run-cli.js';

/**
 * The examples of a rule doc (`rules/<id>.md`) as the tests run them.
 *
 * A yaml example is its own input. A file-tree example (a ```text block of the
 * files on a node or in a backup folder) names the fixture that stands for it
 * in an HTML comment before it:
 *
 *   <!-- example: fixtures/rules/etcd-backup-stale/fail-nine-days-old/backups = /var/backups/etcd -->
 *   <!-- example: fixtures/rules/etcd-restore-not-wired/fail-restored-sibling-newer = / --mtime /var/lib/etcd/member=2026-03-02T10:00:00Z -->
 *   <!-- example: yaml = etcd.yaml -->
 *
 * Each `FIXTURE = PATH` pair puts a fixture file or folder (or, for `yaml`,
 * the section's yaml example) at the path the doc shows: absolute paths under
 * a temporary folder that stands for the node's `/`, relative ones in the
 * working directory the commands run in. `--mtime PATH=ISO-TIME` (a path as
 * the doc shows it) sets a file time on that copy, never on the checkout.
 *
 * The comment holds for every block after it up to the next example comment
 * or `## ` heading. Each ```console block there shows one `$ kcheck ...`
 * command and what it prints; the command runs through the built CLI with
 * the doc's paths pointing into the copy, and its output is compared with the
 * block after the paths are put back.
 */

export const UPDATE_DOCS = process.env['KCHECK_UPDATE_DOCS'] === '1';

export interface Block {
  lang: string;
  /** The lines between the fences. */
  body: string[];
  /** Line index of the opening fence. */
  open: number;
  /** Line index of the closing fence. */
  close: number;
  /** The `## ` heading the block is under. */
  section: string;
  example: Example | null;
}

export interface Example {
  /** What the comment says, after `example:`. */
  spec: string;
  section: string;
  line: number;
  pairs: { from: string; to: string }[];
  mtimes: { path: string; time: Date }[];
  blocks: Block[];
}

export interface Doc {
  id: string;
  path: string;
  lines: string[];
  blocks: Block[];
  examples: Example[];
}

function parseSpec(spec: string, section: string, line: number, where: string): Example {
  const tokens = spec.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  const example: Example = { spec, section, line, pairs: [], mtimes: [], blocks: [] };
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token === '--mtime') {
      const value = tokens[(i += 1)] ?? '';
      const at = value.lastIndexOf('=');
      const time = new Date(value.slice(at + 1));
      if (at < 1 || Number.isNaN(time.getTime())) throw new Error(`${where}: --mtime wants PATH=ISO-TIME, got "${value}"`);
      example.mtimes.push({ path: value.slice(0, at), time });
    } else if (tokens[i + 1] === '=' && tokens[i + 2] !== undefined) {
      example.pairs.push({ from: token, to: tokens[i + 2]! });
      i += 2;
    } else {
      throw new Error(`${where}: expected "FIXTURE = PATH" or "--mtime PATH=TIME" in the example comment, got "${token}"`);
    }
  }
  if (example.pairs.length === 0) throw new Error(`${where}: the example comment names no fixture`);
  return example;
}

export function readDoc(id: string): Doc {
  const path = `rules/${id}.md`;
  const lines = readFileSync(path, 'utf8').split('\n');
  const doc: Doc = { id, path, lines, blocks: [], examples: [] };
  let section = '';
  let current: Example | null = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.startsWith('## ')) {
      section = line.slice(3).trim();
      current = null;
    } else if (line.startsWith('<!-- example:')) {
      let text = line;
      const start = i;
      while (!text.includes('-->') && i + 1 < lines.length) text += ` ${lines[(i += 1)]}`;
      const spec = text.slice('<!-- example:'.length, text.indexOf('-->')).trim();
      current = parseSpec(spec, section, start + 1, `${path}:${start + 1}`);
      doc.examples.push(current);
    } else if (line.startsWith('```')) {
      const lang = line.slice(3).trim();
      let close = i + 1;
      while (close < lines.length && lines[close] !== '```') close += 1;
      if (close >= lines.length) throw new Error(`${path}:${i + 1}: unclosed code block`);
      const block: Block = { lang, body: lines.slice(i + 1, close), open: i, close, section, example: current };
      doc.blocks.push(block);
      current?.blocks.push(block);
      i = close;
    }
  }
  return doc;
}

/** The first yaml block of a section, as the yaml examples have always been found. */
export function yamlExample(doc: Doc, section: string): string | null {
  const block = doc.blocks.find((b) => b.section === section && (b.lang === 'yaml' || b.lang === 'yml'));
  return block ? `${block.body.join('\n')}\n` : null;
}

/** The command a console block shows, split into words (no shell: no quotes, pipes or redirections). */
export function consoleCommand(block: Block, where: string): string[] {
  const first = block.body[0] ?? '';
  if (!first.startsWith('$ ')) throw new Error(`${where}: a console block starts with the "$ " line of the command it shows`);
  if (block.body.slice(1).some((l) => l.startsWith('$ '))) throw new Error(`${where}: one command per console block`);
  const command = first.slice(2).trim();
  if (/["'`|<>;&\\]|\$\(/.test(command)) throw new Error(`${where}: "${command}" needs a shell; console blocks show plain kcheck commands`);
  const words = command.split(/\s+/);
  if (words[0] !== 'kcheck') throw new Error(`${where}: "${command}" is not a kcheck command, so its output cannot be checked`);
  return words.slice(1);
}

/** What a console block shows the command printing. */
export function shownOutput(block: Block): string {
  const rest = block.body.slice(1);
  return rest.length === 0 ? '' : `${rest.join('\n')}\n`;
}

/** Folders made for examples, removed by `removeExampleFolders`. */
const made: string[] = [];

export function removeExampleFolders(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Where an example's files are: `root` stands for the node's `/`, `cwd` is where its commands run. */
export interface Place {
  root: string;
  cwd: string;
}

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

function onPlace(place: Place, docPath: string): string {
  if (docPath === '/') return place.root;
  return isAbsolute(docPath) ? join(place.root, docPath) : join(place.cwd, docPath);
}

/** Lays out the example's fixtures at the paths the doc shows, and sets its file times. */
export function materialize(doc: Doc, example: Example | null): Place {
  const place = { root: tempDir('kcheck-doc-root-'), cwd: tempDir('kcheck-doc-cwd-') };
  if (!example) return place;
  const where = `${doc.path}:${example.line}`;
  for (const { from, to } of example.pairs) {
    const dest = onPlace(place, to);
    mkdirSync(dirname(dest), { recursive: true });
    if (from === 'yaml') {
      const yaml = yamlExample(doc, example.section);
      if (yaml === null) throw new Error(`${where}: "yaml" names the section's yaml example, and "${example.section}" has none`);
      writeFileSync(dest, yaml);
    } else {
      if (!from.startsWith('fixtures/') || !existsSync(from)) throw new Error(`${where}: no fixture ${from}`);
      cpSync(from, dest, { recursive: true, verbatimSymlinks: true });
    }
  }
  // After every copy: copying into a folder changes its time.
  for (const { path, time } of example.mtimes) {
    const target = onPlace(place, path);
    if (!existsSync(target)) throw new Error(`${where}: --mtime ${path}: the example has no such file`);
    utimesSync(target, time, time);
  }
  return place;
}

/** The command's words with the doc's absolute paths pointing into the example's root. */
function placed(args: string[], place: Place): string[] {
  const mapPath = (p: string): string => (p === '/' ? place.root : isAbsolute(p) ? join(place.root, p) : p);
  return args.map((arg) => {
    const flag = /^(--[\w-]+=)(.*)$/.exec(arg);
    if (flag) return flag[1]! + mapPath(flag[2]!);
    return arg.startsWith('/') ? mapPath(arg) : arg;
  });
}

/**
 * The text report aligns the rule ids of a file's findings to its longest
 * message; with the example's paths put back the messages are shorter, so
 * the ids are aligned again, as the report would have printed them.
 */
function realign(text: string): string {
  const lines = text.split('\n');
  const row = /^(  \S.*\S) {2,}([a-z0-9][a-z0-9-]*)$/;
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && row.test(lines[end]!)) end += 1;
    if (end === i) {
      i += 1;
      continue;
    }
    const rows = lines.slice(i, end).map((l) => row.exec(l)!);
    const width = Math.max(...rows.map((m) => m[1]!.length));
    rows.forEach((m, k) => {
      lines[i + k] = `${m[1]!.padEnd(width)}  ${m[2]!}`;
    });
    i = end;
  }
  return lines.join('\n');
}

/** CLI output with the example's folders shown as the doc's paths. */
function unplaced(text: string, place: Place, command: string): string {
  const out = text.split(`${place.root}/`).join('/').split(place.root).join('/').split(`${place.cwd}/`).join('').split(place.cwd).join('.');
  return command === 'scan' ? realign(out) : out;
}

export interface ConsoleRun {
  args: string[];
  run: CliRun;
  /** stdout as the doc shows it. */
  output: string;
}

export function runConsole(args: string[], place: Place): ConsoleRun {
  const run = runCli(placed(args, place), { cwd: place.cwd, env: { NO_COLOR: '1' } });
  return { args, run, output: unplaced(run.stdout, place, args[0] ?? '') };
}

/** The findings of `id` and whether it was skipped, from the same command with `--format json`. */
export function judge(args: string[], place: Place, id: string): { findings: string[]; skipped: boolean; run: CliRun } {
  const run = runCli([...placed(args, place), '--format', 'json'], { cwd: place.cwd, env: { NO_COLOR: '1' } });
  type Report = { findings: { ruleId: string; message: string; suppressed: unknown }[]; skippedRules: { ruleId: string }[] };
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`kcheck ${args.join(' ')} --format json printed no JSON report (exit ${run.code}):\n${run.stdout}${run.stderr}`);
  }
  return {
    findings: report.findings.filter((f) => f.ruleId === id && !f.suppressed).map((f) => f.message),
    skipped: report.skippedRules.some((s) => s.ruleId === id),
    run,
  };
}

/**
 * The paths a file tree names, as the node sees them: `/a/b/` lines open a
 * folder, `├── name` / `└── name` lines go into it by depth, `{a,b}` lists
 * several, `# ...` is a remark. Other lines are prose.
 */
export function treePaths(body: string[]): string[] {
  const paths: string[] = [];
  let base = '';
  const stack: string[] = [];
  for (const raw of body) {
    const line = raw.replace(/\s+#.*$/, '').trimEnd();
    const branch = /^((?:│   |    )*)(?:├── |└── )(\S+)$/.exec(line);
    let path: string | null = null;
    if (/^\/\S*$/.test(line)) {
      path = line;
      base = line.endsWith('/') ? line : '';
      stack.length = 0;
    } else if (branch && base) {
      const depth = branch[1]!.length / 4;
      stack.length = depth;
      stack.push(branch[2]!.replace(/\/$/, ''));
      path = base + stack.join('/');
    }
    if (path === null) continue;
    const brace = /^(.*)\{([^}]*)\}(.*)$/.exec(path);
    if (brace) paths.push(...brace[2]!.split(',').map((name) => brace[1]! + name + brace[3]!));
    else paths.push(path);
  }
  return paths;
}

/** Whether a path the tree names is there in the example. */
export function inPlace(place: Place, path: string): boolean {
  const target = onPlace(place, path.replace(/(.)\/$/, '$1'));
  return existsSync(target) && (!path.endsWith('/') || statSync(target).isDirectory());
}

/** The console blocks of a doc with the output they should show, written back when updating. */
export function rewriteConsoleBlocks(doc: Doc, outputs: Map<Block, string>): void {
  const lines = [...doc.lines];
  const blocks = [...outputs.keys()].sort((a, b) => b.open - a.open);
  for (const block of blocks) {
    const output = outputs.get(block)!;
    const body = [block.body[0]!, ...(output === '' ? [] : output.replace(/\n$/, '').split('\n'))];
    lines.splice(block.open + 1, block.close - block.open - 1, ...body);
  }
  writeFileSync(doc.path, lines.join('\n'));
}
