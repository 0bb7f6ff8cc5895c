import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderReport, reportContext } from '../../src/cli/output.js';
import { scan, type Scan } from '../../src/cli/pipeline.js';
import { githubAnnotations } from '../../src/report/github.js';
import { formatNames, type FormatName } from '../../src/report/index.js';
import { formatPlanJson, formatPlanMarkdown, formatPlanText } from '../../src/report/plan.js';
import { runCli } from '../helpers/run-cli.js';
import { validateSarif } from './sarif-validate.js';
import { runnerLines, workflowCommands, type WorkflowCommand } from './workflow-commands.js';

/** What a repository, an API server or a kubeconfig can put into a name, a path or a message. */
const PAYLOADS: Record<string, string> = {
  'a line break and a command': 'a\n::add-mask::hunter2\nb',
  'a CR and a command': 'a\r::set-output name=ok::true\rb',
  'CRLF and a heading': 'a\r\n# heading\r\n',
  'add-mask': '::add-mask::hunter2',
  'an error with its own file': '::error file=/etc/passwd,line=1,title=forged::forged',
  'set-output': '::set-output name=ok::true',
  'stop-commands': '::stop-commands::tok3n',
  'a command after blanks': ' \t\u00a0::warning::forged',
  'a command in capitals': '::ADD-MASK::hunter2',
  'the old form': '##[add-mask]hunter2',
  'the old form with properties': '##[set-output name=ok;]true',
  'ANSI colour and clear screen': '\u001b[31mred\u001b[0m\u001b[2J\u001b[H',
  'OSC title and hyperlink': '\u001b]0;pwned\u0007\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\',
  'C1 CSI and OSC': '\u009b31mred\u009d0;pwned\u009c',
  'bidi overrides': 'abc\u202edcba\u202c \u2066x\u2069 \u200f!',
  'table pipes': 'a | b || c',
  'backticks': 'a`b``c```d',
  'a script tag': '<script>alert(1)</script>',
  'an img with onerror': '<img src=x onerror=alert(1)>',
  'a javascript link': '[x](javascript:alert(1))',
  'a heading and a fence': '\n# heading\n```\n---',
  'percent escapes': '%0A%25%3A%2C%0D',
  'the end of CDATA and a comment': ']]><!-- &amp; "\' -->',
  'line and paragraph separators': 'a\u2028b\u2029c',
  'NUL and DEL': 'a\u0000b\u007fc',
};

type Place = 'name' | 'namespace' | 'image' | 'file' | 'cluster' | 'content';
const PLACES: Place[] = ['name', 'namespace', 'image', 'file', 'cluster', 'content'];

/** Characters that must never reach a report raw: C0 (but tab and LF), DEL, C1, bidi, LS/PS. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** How kcheck shows such a character: `\n`, `\x1b`, `\u202e`; the ones in `keep` stay. */
function shownAs(text: string, keep = ''): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (keep.includes(c)) return c;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The value as the text report shows it: a message's line breaks folded into
 * spaces (a path keeps them, shown), control characters shown, the `[` of
 * `##[` as `\x5b`.
 */
function inText(value: string, place: Place): string {
  const folded = place === 'file' ? value : value.replace(/\s*\n\s*/g, ' ');
  return shownAs(folded).replace(/##\[/g, '##\\x5b');
}

const dir = mkdtempSync(path.join(tmpdir(), 'kcheck-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = '2026-11-20T00:00:00Z';
const q = JSON.stringify;

interface Values {
  node: string;
  pod: string;
  namespace: string;
  image: string;
  /** A kubelet version string, quoted by the version-unknown rule. */
  kubelet: string;
  /** Text after a backslash in a double-quoted YAML scalar: the parse error quotes it. */
  escape: string;
  file: string;
  cluster?: string;
}

function values(place: Place, payload: string): Values {
  const base: Values = {
    node: 'worker-1',
    pod: 'app-1',
    namespace: 'shop',
    image: 'registry.example/app:1.0',
    kubelet: 'v1.32.4',
    escape: 'q',
    file: 'cluster.yaml',
  };
  if (place === 'name') return { ...base, node: `worker-${payload}`, pod: `app-${payload}` };
  if (place === 'namespace') return { ...base, namespace: `ns-${payload}` };
  if (place === 'image') return { ...base, image: `registry.example/app:${payload}` };
  // A file name holds any byte but NUL; a `/` makes folders on the way.
  if (place === 'file') return { ...base, file: `dump-${payload.replace(/\u0000/g, '0')}.yaml` };
  if (place === 'cluster') return { ...base, cluster: `prod-${payload}` };
  return { ...base, kubelet: `v1.32-${payload}`, escape: payload };
}

/**
 * A cluster dump that makes rules quote each value: a cordoned worker (its
 * name), an unmanaged pod on it (name, namespace, image), a kube-scheduler
 * whose image has no version (the image), a kubelet version that cannot be
 * read (file content) and a document YAML refuses (file content).
 */
function manifest(v: Values): string {
  return `apiVersion: v1
kind: Node
metadata: { name: cp-1, labels: { node-role.kubernetes.io/control-plane: "" } }
status: { nodeInfo: { kubeletVersion: v1.32.4, kubeProxyVersion: v1.32.4 } }
---
apiVersion: v1
kind: Node
metadata: { name: ${q(v.node)} }
spec: { unschedulable: true }
status: { nodeInfo: { kubeletVersion: v1.32.4, kubeProxyVersion: v1.32.4 } }
---
apiVersion: v1
kind: Node
metadata: { name: worker-2 }
status: { nodeInfo: { kubeletVersion: ${q(v.kubelet)} } }
---
apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver-cp-1, namespace: kube-system, annotations: { kubernetes.io/config.mirror: a1 }, labels: { component: kube-apiserver, tier: control-plane } }
spec: { nodeName: cp-1, containers: [{ name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.32.4 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: kube-scheduler-cp-1, namespace: kube-system, annotations: { kubernetes.io/config.mirror: a2 }, labels: { component: kube-scheduler, tier: control-plane } }
spec: { nodeName: cp-1, containers: [{ name: kube-scheduler, image: ${q(`registry.k8s.io/kube-scheduler:${v.image}`)} }] }
---
apiVersion: v1
kind: Pod
metadata: { name: ${q(v.pod)}, namespace: ${q(v.namespace)} }
spec: { nodeName: ${q(v.node)}, containers: [{ name: app, image: ${q(v.image)} }] }
status: { phase: Running }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: broken }
data:
  k: "\\${v.escape.replace(/\u0000/g, '0')}"
`;
}

interface Case {
  workspace: string;
  file: string;
  scan: Scan;
  values: Values;
  /** The value that holds the payload, as kcheck read it. */
  hostile: string;
}

let cases = 0;

async function scanCase(place: Place, payload: string): Promise<Case> {
  cases += 1;
  const workspace = path.join(dir, `case-${cases}`);
  const v = values(place, payload);
  const file = path.join(workspace, v.file);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, manifest(v));
  const result = await scan({ paths: [file], now: NOW, target: '1.33', ...(v.cluster !== undefined ? { cluster: v.cluster } : {}), cwd: workspace });
  // A report names the file by its path from the repository root (the workspace) or as given: both end with it.
  const hostile = { name: v.node, namespace: v.namespace, image: v.image, file: path.normalize(v.file), cluster: v.cluster ?? '', content: v.kubelet }[place];
  return { workspace, file, scan: result, values: v, hostile };
}

function render(c: Case, format: FormatName): string {
  return renderReport(c.scan, { format, cwd: c.workspace });
}

/** Text with every backslash escape pair blanked: what markdown reads as markup. */
const unescapedMarkdown = (text: string): string => text.replace(/\\[\s\S]/g, '__');

function expectNoRawControls(output: string): void {
  const raw = RAW_CONTROL.exec(output);
  expect(raw, raw ? `raw U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${raw.index}: ${JSON.stringify(output.slice(Math.max(0, raw.index - 40), raw.index + 40))}` : '').toBeNull();
  expect(Buffer.from(output, 'utf8').includes(0x1b)).toBe(false);
}

function expectNoWorkflowCommands(output: string): void {
  expect(workflowCommands(output).map((c) => c.line)).toEqual([]);
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

const ANNOTATION_PROPERTIES = new Set(['file', 'line', 'col', 'title']);

function checkGithub(c: Case, output: string): void {
  const lines = runnerLines(output);
  const commands = workflowCommands(output);
  // One command per line, each one kcheck meant: an annotation with its own properties.
  expect(commands.map((command) => command.line)).toEqual(lines);
  for (const command of commands) {
    expect(command.form).toBe('v2');
    expect(['error', 'warning', 'notice']).toContain(command.name);
    expect(command.repeated).toEqual([]);
    expect(Object.keys(command.properties).every((key) => ANNOTATION_PROPERTIES.has(key))).toBe(true);
  }
  // The runner decodes each property and message back to what kcheck wrote, control characters shown.
  const context = reportContext(c.scan, { format: 'github', cwd: c.workspace }, false);
  const intended = githubAnnotations(c.scan.result, context);
  expect(commands.map((command: WorkflowCommand) => ({ level: command.name, message: command.data, ...command.properties }))).toEqual(
    intended.map((a) => ({
      level: a.level,
      message: shownAs(a.message, '\n\r\t'),
      ...(a.file !== undefined ? { file: shownAs(a.file, '\n\r\t') } : {}),
      ...(a.line !== undefined ? { line: String(a.line) } : {}),
      ...(a.col !== undefined ? { col: String(a.col) } : {}),
      ...(a.title !== undefined ? { title: shownAs(a.title, '\n\r\t') } : {}),
    })),
  );
}

function checkText(c: Case, output: string): void {
  const listed = c.scan.result.findings.filter((f) => !f.suppressed);
  const rows = output.split('\n').filter((line) => /^ {2,}\S/.test(line));
  expect(rows).toHaveLength(listed.length);
  for (const [i, row] of rows.entries()) expect(row, `row ${i}`).toMatch(/ {2}[a-z0-9-]+$/);
}

const KCHECK_HEADING = /^(## kcheck: |### Findings by rule$|### Findings that matter most$|## Upgrade plan |### \d+\. )/;

function checkMarkdown(output: string): void {
  const lines = output.split('\n');
  // Outside code blocks: only kcheck's headings, no setext underline, no HTML but `<br>`, links only to kcheck's docs.
  let fenced = false;
  const prose: string[] = [];
  for (const line of lines) {
    if (/^ {0,3}(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    else if (!fenced) prose.push(line);
  }
  for (const line of prose) {
    if (/^ {0,3}#{1,6}(\s|$)/.test(line)) expect(line).toMatch(KCHECK_HEADING);
    expect(line).not.toMatch(/^ {0,3}(=+|-+)\s*$/);
    // Code spans show `<` and `[` as they are: what is left once they are taken out.
    const markup = unescapedMarkdown(line).replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, '');
    expect(markup.replace(/<br>/g, '')).not.toContain('<');
    for (const [, target] of markup.matchAll(/\]\(([^)]*)\)/g)) expect(target).toMatch(/^https:\/\/github\.com\/kcheck-dev\/kcheck\//);
  }
  // Tables: every row has as many cells as its header.
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    const width = unescapedMarkdown(line).split('|').length;
    for (let j = i; j < lines.length && lines[j]!.startsWith('|'); j += 1) {
      expect(unescapedMarkdown(lines[j]!).split('|').length, lines[j]).toBe(width);
    }
  }
  // Fences: only kcheck's, each closed by a fence of its own length.
  const fences = lines.filter((l) => /^ {0,3}(`{3,}|~{3,})/.test(l));
  for (let i = 0; i < fences.length; i += 2) {
    expect(fences[i]).toMatch(/^`{3,}(mermaid|sh)$/);
    expect(fences[i + 1]).toBe(/^`+/.exec(fences[i]!)![0]);
  }
}

const HTML_TAGS = new Set(
  'html head meta title script style body header h1 h2 h3 div span b main section ul ol li p table thead tbody tr th td a details summary label input select option footer i'.split(' '),
);

function checkHtml(output: string): void {
  expect(output.match(/<script/gi)).toHaveLength(2);
  for (const [, name] of output.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) expect(HTML_TAGS).toContain(name!.toLowerCase());
  // No event handler attribute: what is left of each tag once its quoted values are taken out.
  for (const [tag] of output.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag.replace(/="[^"]*"/g, '=""')).not.toMatch(/\son[a-z]+\s*=/i);
  for (const [, href] of output.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\//);
}

function checkJunit(c: Case, output: string): void {
  const file = path.join(c.workspace, 'report.xml');
  writeFileSync(file, output);
  const lint = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
  expect(lint.stderr).toBe('');
  expect(lint.status).toBe(0);
  for (const [, name] of output.matchAll(/<\/?([a-zA-Z][\w.-]*)/g)) expect(['testsuites', 'testsuite', 'testcase', 'failure', 'skipped', 'error']).toContain(name);
}

interface SarifDoc {
  runs: {
    results: { message: { text: string }; locations: { logicalLocations?: { name: string }[] }[] }[];
    invocations: { toolExecutionNotifications?: { message: { text: string } }[]; toolConfigurationNotifications?: { message: { text: string } }[] }[];
  }[];
}

function checkSarif(c: Case, output: string, place: Place): void {
  const doc = JSON.parse(output) as SarifDoc;
  const run = doc.runs[0]!;
  const texts = [
    ...run.results.map((r) => r.message.text),
    ...run.invocations.flatMap((i) => [...(i.toolExecutionNotifications ?? []), ...(i.toolConfigurationNotifications ?? [])].map((n) => n.message.text)),
  ];
  for (const text of texts) {
    expect(RAW_CONTROL.test(text.replace(/\r/g, 'CR'))).toBe(false);
    // SARIF reads an unescaped `[...](...)` as an embedded link (§3.11.6).
    expect(text.replace(/\\[\\[\]]/g, '')).not.toMatch(/[[\]]/);
  }
  if (place === 'name') {
    const names = run.results.flatMap((r) => r.locations.flatMap((l) => (l.logicalLocations ?? []).map((x) => x.name)));
    expect(names).toContain(c.hostile);
  }
}

function check(c: Case, format: FormatName, place: Place): void {
  const output = render(c, format);
  expectNoRawControls(output);
  if (format === 'github') checkGithub(c, output);
  else expectNoWorkflowCommands(output);
  if (format === 'text') checkText(c, output);
  if (format === 'markdown') checkMarkdown(output);
  if (format === 'html') checkHtml(output);
  if (format === 'junit') checkJunit(c, output);
  if (format === 'sarif') checkSarif(c, output, place);
  if (format === 'json' || format === 'sarif' || format === 'policyreport') {
    const docs = format === 'policyreport' ? parseAllDocuments(output).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as unknown;
    }) : [JSON.parse(output) as unknown];
    // The machine formats keep every string as it was read (a policy report has no field for the cluster's name).
    if (format !== 'sarif' && place !== 'content' && !(format === 'policyreport' && place === 'cluster')) expect(allStrings(docs).some((s) => s.includes(c.hostile))).toBe(true);
  }
}

describe('reports of hostile names, paths and content', () => {
  for (const [label, payload] of Object.entries(PAYLOADS)) {
    describe(label, () => {
      for (const place of PLACES) {
        it(`in the ${place}: no format lets it act`, async () => {
          const c = await scanCase(place, payload);
          expect(c.scan.result.findings.length).toBeGreaterThan(3);
          for (const format of formatNames) {
            try {
              check(c, format, place);
            } catch (error) {
              (error as Error).message = `--format ${format}: ${(error as Error).message}`;
              throw error;
            }
          }
          // The upgrade plan as `kcheck plan` prints it: its steps name the nodes.
          const { plan } = reportContext(c.scan, { format: 'markdown', cwd: c.workspace }, false);
          expect(plan).toBeDefined();
          for (const text of [formatPlanText(plan!), formatPlanMarkdown(plan!), formatPlanJson(plan!)]) {
            expectNoRawControls(text);
            expectNoWorkflowCommands(text);
          }
          checkMarkdown(formatPlanMarkdown(plan!));
          JSON.parse(formatPlanJson(plan!));
          // The value is shown, not dropped: text and the JSON report both carry it.
          if (place !== 'cluster') expect(render(c, 'text')).toContain(inText(c.hostile, place));
          expect(allStrings(JSON.parse(render(c, 'json'))).some((s) => s.includes(c.hostile))).toBe(true);
        });
      }
    });
  }

  it('every payload in every place at once is SARIF that GitHub code scanning accepts', async () => {
    const all = Object.values(PAYLOADS).join(' ');
    const c = await scanCase('name', all);
    validateSarif(render(c, 'sarif'));
  });
});

describe('stderr and text as the CLI writes them', () => {
  const workspace = path.join(dir, 'cli');
  mkdirSync(workspace, { recursive: true });

  it('shows every payload as a config key in the error message, without letting it act', () => {
    const config = path.join(workspace, 'kcheck.yaml');
    writeFileSync(config, `rules:\n${Object.values(PAYLOADS).map((p) => `  ${q(p)}: off\n`).join('')}`);
    const bad = runCli(['scan', '--config', config, '--now', NOW, 'none.yaml'], { cwd: workspace });
    expect(bad.code).toBe(2);
    expectNoRawControls(bad.stderr);
    expectNoWorkflowCommands(bad.stderr);
    // The message keeps its own line breaks; each line shows the rest of the key.
    for (const payload of Object.values(PAYLOADS)) {
      expect(bad.stderr).toContain(shownAs(payload.split('\n')[0]!).replace(/##\[/g, '##\\x5b'));
    }
  });

  it('names snapshot files in kcheck snapshot without letting the names act', () => {
    const backups = path.join(workspace, 'backups');
    for (const [i, payload] of Object.values(PAYLOADS).entries()) {
      const file = path.join(backups, `${i}-${payload.replace(/\u0000/g, '0')}.db`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'not a bbolt database\n'.repeat(300));
    }
    const run = runCli(['snapshot', backups], { cwd: workspace });
    expect(run.stdout + run.stderr).toContain('0-a\\n::add-mask::hunter2\\nb.db');
    expectNoRawControls(run.stdout + run.stderr);
    expectNoWorkflowCommands(run.stdout + run.stderr);
  });

  it('writes file names that start a line of the text report without letting them act', () => {
    const names = Object.values(PAYLOADS).map((payload, i) => `${i}-${payload.replace(/\u0000/g, '0')}.yaml`);
    // The name first on its line: a relative path, each from the workspace.
    const leading = Object.values(PAYLOADS).filter((p) => !p.includes('/') && !p.includes('\u0000')).map((p) => `${p}.yaml`);
    for (const name of [...names, ...leading]) {
      const file = path.join(workspace, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, manifest({ ...values('name', 'x'), file: name }));
    }
    const run = runCli(['scan', ...names, ...leading, '--now', NOW, '--fail-on', 'never'], { cwd: workspace });
    expect(run.code, run.stderr).toBe(0);
    expectNoRawControls(run.stdout + run.stderr);
    expectNoWorkflowCommands(run.stdout + run.stderr);
    for (const name of leading) expect(run.stdout).toContain(inText(path.normalize(name), 'file').replace(/^([\s\u0085]*):(?=:)/, '$1\\x3a'));
  });
});
