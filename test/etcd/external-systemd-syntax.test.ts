import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeRoot } from '../../src/sources/root/node-root.js';
import { parseEtcdArgs } from '../../src/sources/root/systemd-etcd-flags.js';
import { expandSpecifiers } from '../../src/sources/root/systemd-specifiers.js';
import { expandArgv, parseEnvironmentFile, parseUnitFile, splitWords } from '../../src/sources/root/systemd-syntax.js';
import { readServices } from '../../src/sources/root/systemd-units.js';
import type { ScanGap } from '../../src/sources/types.js';

const temp = mkdtempSync(join(tmpdir(), 'kcheck-systemd-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(temp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('unit file syntax (conf-parser.c)', () => {
  it('joins continued lines with a space, skipping comment lines inside them (systemd.syntax(7) example)', () => {
    const { assignments } = parseUnitFile('[Section C]\nKeyThree=value 3\\\n# this line is ignored\n; this line is ignored too\n       value 3 continued\n');
    expect(assignments).toEqual([{ section: 'Section C', key: 'KeyThree', value: 'value 3        value 3 continued', line: 2 }]);
  });

  it('keeps an escaped backslash at the end of a line, strips blanks around = and ignores lines without =', () => {
    const { assignments, problems } = parseUnitFile('Orphan=1\n[Service]\n  ExecStart = /usr/bin/etcd \\\\\nnot an assignment\n');
    expect(assignments).toEqual([{ section: 'Service', key: 'ExecStart', value: '/usr/bin/etcd \\\\', line: 3 }]);
    expect(problems.map((p) => p.line)).toEqual([1, 4]);
  });

  it('splits words as extract_first_word does: quotes inside words, C escapes', () => {
    expect(splitWords(`/usr/bin/etcd --name="a b" '--x=$y' --data-dir=/var/lib/etcd\\x2dx \\"q`)).toEqual({
      words: ['/usr/bin/etcd', '--name=a b', '--x=$y', '--data-dir=/var/lib/etcd-x', '"q'],
    });
    expect(splitWords('/usr/bin/etcd "--name=a')).toEqual({ error: 'unterminated double quote' });
  });
});

describe('EnvironmentFile= (env-file.c)', () => {
  it('reads quotes, escapes, comments and continuation as systemd does', () => {
    const text = [
      '# comment',
      '; also a comment',
      'ETCD_NAME=node-a   ',
      'ETCD_DATA_DIR="/var/lib/etcd/with space"',
      "ETCD_X='single $NOPE \\n'",
      'ETCD_Y=a\\',
      'b',
      'ETCD_Z="x\\"y\\q"tail',
      'export ETCD_W=1',
      'NOEQUALS',
      '  ETCD_EMPTY=',
      'ETCD_NAME=later wins # not a comment',
    ].join('\n');
    expect(parseEnvironmentFile(text).map((a) => [a.name, a.value])).toEqual([
      ['ETCD_NAME', 'node-a'],
      ['ETCD_DATA_DIR', '/var/lib/etcd/with space'],
      ['ETCD_X', 'single $NOPE \\n'],
      ['ETCD_Y', 'ab'],
      ['ETCD_Z', 'x"y\\qtail'],
      ['export ETCD_W', '1'],
      ['ETCD_EMPTY', ''],
      ['ETCD_NAME', 'later wins # not a comment'],
    ]);
  });
});

describe('ExecStart= variables (replace_env_argv)', () => {
  const env = new Map([
    ['DAEMON_ARGS', '--data-dir=/d "--name=a b"'],
    ['DIR', '/x'],
    ['EMPTY', ''],
  ]);
  it('splits a lone $VAR, keeps ${VAR} as one piece, leaves $VAR inside a word alone', () => {
    expect(expandArgv(['/usr/bin/etcd', '$DAEMON_ARGS', '$EMPTY', '$UNSET', '--a=${DIR}/y', '--b=$DIR', '$$HOME', '${UNSET}'], env)).toEqual([
      '/usr/bin/etcd', '--data-dir=/d', '--name=a b', '--a=/x/y', '--b=$DIR', '$HOME', '',
    ]);
  });
});

describe('specifiers (systemd.unit(5))', () => {
  it('resolves the unit names, system paths and the host name, and says what it cannot know', () => {
    const ctx = { unit: 'etcd@member-1.service', hostname: 'cp-1.example', fragment: '/etc/systemd/system/etcd@.service' };
    expect(expandSpecifiers('/etc/default/%p %i %n %N %H %l %S %%', ctx)).toEqual({ value: '/etc/default/etcd member-1 etcd@member-1.service etcd@member-1 cp-1.example cp-1 /var/lib %' });
    expect(expandSpecifiers('%m', ctx)).toMatchObject({ unknown: '%m' });
    expect(expandSpecifiers('%H', { ...ctx, hostname: null })).toMatchObject({ unknown: '%H' });
  });
});

describe("etcd's command line (Go flag package)", () => {
  it('takes the next word for a value flag, never for a bool flag, the last repeat wins, and stops at a non-flag', () => {
    expect([...parseEtcdArgs(['--force-new-cluster', '--data-dir', '-odd', '-name=a', '--name', 'b']).flags].map(([k, v]) => [k, v.value])).toEqual([
      ['force-new-cluster', 'true'], ['data-dir', '-odd'], ['name', 'b'],
    ]);
    expect(parseEtcdArgs(['--name=a', 'stray']).error).toBe('"stray" is not a valid flag');
    expect(parseEtcdArgs(['--data-dir']).error).toBe('flag needs an argument: --data-dir');
  });
});

/** systemd's own tools, run offline on the same files. */
const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe.skipIf(!systemdAnalyze)('the same unit files through systemd-analyze (systemd 252)', () => {
  it('applies the unit file and drop-ins in the order systemd-analyze cat-config shows', async () => {
    const dir = tree('order', {
      'lib/systemd/system/etcd.service': '[Service]\nExecStart=/usr/bin/etcd --name=lib\n',
      'etc/systemd/system/etcd.service.d/20-a.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/etcd --name=etc20\n',
      'lib/systemd/system/etcd.service.d/20-a.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/etcd --name=lib20-shadowed\n',
      'lib/systemd/system/etcd.service.d/10-b.conf': '[Service]\nEnvironment=ETCD_DATA_DIR=/lib10\n',
      'usr/lib/systemd/system/etcd.service.d/30-c.conf': '[Service]\nEnvironment=ETCD_DATA_DIR=/usr30\n',
      'etc/systemd/system/etcd.service.d/05-z.conf': '[Service]\nEnvironment=ETCD_DATA_DIR=/etc05\n',
    });
    const cat = execFileSync('systemd-analyze', [`--root=${dir}`, 'cat-config', 'systemd/system/etcd.service'], { encoding: 'utf8' });
    const shown = [...cat.matchAll(/^# (\/.*)$/gm)].map((m) => m[1]!.slice(dir.length));
    const gaps: ScanGap[] = [];
    const [service] = await readServices(new NodeRoot(dir), (u) => u === 'etcd.service', gaps);
    expect(gaps).toEqual([]);
    expect(service!.files.map((f) => f.path)).toEqual(shown);
    expect(shown).toEqual([
      '/lib/systemd/system/etcd.service',
      '/etc/systemd/system/etcd.service.d/05-z.conf',
      '/lib/systemd/system/etcd.service.d/10-b.conf',
      '/etc/systemd/system/etcd.service.d/20-a.conf',
      '/usr/lib/systemd/system/etcd.service.d/30-c.conf',
    ]);
    // The empty ExecStart= in 20-a.conf reset the fragment's, and 30-c.conf's Environment= came last.
    expect(service!.execStart?.argv).toEqual(['/usr/bin/etcd', '--name=etc20']);
    expect(service!.environment.map((v) => `${v.name}=${v.value}`)).toEqual(['ETCD_DATA_DIR=/usr30']);
    expect(service!.refused).toBeNull();
  });

  /** systemd-analyze verify loads the unit as the manager does and says when it will not start it. */
  function systemdRefuses(file: string): boolean {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', '--generators=no', file], { encoding: 'utf8' });
    return /will not be started|bad unit file setting|has more than one ExecStart|lacks both ExecStart|no ExecStart/.test(r.stderr + r.stdout);
  }

  const bin = process.execPath;
  it.each([
    ['two ExecStart= without a reset', `[Service]\nExecStart=${bin} --a\nExecStart=${bin} --b\n`, true],
    ['two ExecStart= in a oneshot', `[Service]\nType=oneshot\nExecStart=${bin} --a\nExecStart=${bin} --b\n`, false],
    ['an unbalanced quote', `[Service]\nExecStart=${bin} "--name=a\n`, true],
    ['no ExecStart=', '[Service]\nEnvironment=A=1\n', true],
    ['a continued ExecStart=', `[Service]\nExecStart=${bin} \\\n  --name=a \\\n# comment\n  --data-dir=/x\n`, false],
    ['a reset then one ExecStart=', `[Service]\nExecStart=${bin} --a\nExecStart=\nExecStart=${bin} --b\n`, false],
  ])('%s: kcheck and systemd-analyze verify agree whether systemd starts it', async (name, text, refused) => {
    const dir = tree(`verify-${name.replace(/\W+/g, '-')}`, { 'etc/systemd/system/etcd-test.service': text });
    const file = join(dir, 'etc/systemd/system/etcd-test.service');
    expect(systemdRefuses(file)).toBe(refused);
    const [service] = await readServices(new NodeRoot(dir), () => true, []);
    expect(service!.refused !== null).toBe(refused);
  });

  it('a unit linked to /dev/null is masked', async () => {
    const dir = tree('masked', { 'lib/systemd/system/etcd.service': `[Service]\nExecStart=${bin}\n` });
    mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true });
    symlinkSync('/dev/null', join(dir, 'etc/systemd/system/etcd.service'));
    const [service] = await readServices(new NodeRoot(dir), () => true, []);
    expect(service!.refused).toMatch(/masked/);
  });
});
