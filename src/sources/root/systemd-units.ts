import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import type { ScanGap } from '../types.js';
import { isMissing, type NodeRoot, rootReason } from './node-root.js';
import { expandSpecifiers, type SpecifierContext } from './systemd-specifiers.js';
import { expandArgv, isEnvName, parseEnvironmentFile, parseUnitFile, splitWords } from './systemd-syntax.js';
import type { SystemdService, UnitEnvironmentFile, UnitLocation, UnitVariable } from './systemd-types.js';

/**
 * Where the system manager loads units from, highest priority first
 * (systemd.unit(5) "Unit File Load Path"; src/basic/path-lookup.c
 * lookup_paths_init). The first folder holding `NAME.service` gives the
 * unit; /lib/systemd/system is read too for split-/usr systems (on merged
 * /usr it is a link to /usr/lib and the same folder).
 */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** Far above any real count: a folder of drop-ins is a handful of files. */
const MAX_DROP_INS = 256;
const UNIT_READ = { limit: HOST_FILE_MAX_BYTES, what: 'a systemd unit file' };

interface FoundDir {
  nodePath: string;
  /** The folder once resolved inside the root (`/lib/systemd/system` -> `/usr/lib/systemd/system`). */
  real: string;
  names: string[];
}

async function listDir(root: NodeRoot, dir: string, gaps: ScanGap[]): Promise<FoundDir | null> {
  try {
    const found = await root.resolve(dir);
    if (!found.info.isDirectory()) return null;
    return { nodePath: dir, real: found.nodePath, names: (await root.list(dir)).sort() };
  } catch (err) {
    if (!isMissing(err)) gaps.push({ what: root.display(dir), reason: `cannot list systemd units: ${rootReason(err)}`, affects: ['etcd'] });
    return null;
  }
}

/** The unit folders under the root, each once (merged /usr makes /lib and /usr/lib one). */
async function unitDirs(root: NodeRoot, gaps: ScanGap[]): Promise<FoundDir[]> {
  const seen = new Set<string>();
  const dirs: FoundDir[] = [];
  for (const dir of UNIT_DIRS) {
    const found = await listDir(root, dir, gaps);
    if (!found || seen.has(found.real)) continue;
    seen.add(found.real);
    dirs.push(found);
  }
  return dirs;
}

/**
 * A unit linked to /dev/null, or an empty unit file, is masked: systemd
 * refuses to start it (systemctl mask; unit_file_load, null_or_empty).
 * The link is read, not followed: /dev/null is the node's, not this machine's.
 */
async function maskedLink(root: NodeRoot, dir: FoundDir, name: string): Promise<boolean> {
  const onDisk = posix.join((await root.resolve(dir.nodePath)).disk, name);
  const info = await lstat(onDisk);
  return info.isSymbolicLink() && posix.normalize(await readlink(onDisk)) === '/dev/null';
}

/**
 * Drop-in folders of a unit, in the order conf_files_list_strv ranks them:
 * `NAME.service.d`, the template's `PREFIX@.service.d`, and `service.d`
 * (every service, systemd 246+), in each unit folder.
 */
function dropInDirs(dirs: FoundDir[], unit: string): string[] {
  const names = [`${unit}.d`];
  const at = unit.indexOf('@');
  if (at > 0) names.push(`${unit.slice(0, at + 1)}${unit.slice(unit.lastIndexOf('.'))}.d`);
  names.push('service.d');
  return dirs.flatMap((d) => names.filter((n) => d.names.includes(n)).map((n) => posix.join(d.nodePath, n)));
}

/**
 * Drop-ins apply in the alphabetical order of their file names across all
 * folders; for one name, the file in the highest-priority folder is used
 * and the others are ignored (systemd.unit(5): "files in /etc/ take
 * precedence over those with the same name in /run/ and /usr/lib/").
 */
async function dropIns(root: NodeRoot, dirs: FoundDir[], unit: string, gaps: ScanGap[]): Promise<string[]> {
  const chosen = new Map<string, string>();
  for (const dir of dropInDirs(dirs, unit)) {
    const listed = await listDir(root, dir, gaps);
    for (const name of listed?.names.filter((n) => n.endsWith('.conf')) ?? []) {
      if (!chosen.has(name)) chosen.set(name, posix.join(dir, name));
    }
  }
  const names = [...chosen.keys()].sort();
  if (names.length > MAX_DROP_INS) {
    gaps.push({ what: root.display(`/etc/systemd/system/${unit}.d`), reason: `${names.length} drop-ins for ${unit}, more than the ${MAX_DROP_INS} kcheck reads`, affects: ['etcd'] });
    return [];
  }
  return names.map((n) => chosen.get(n)!);
}

interface Raw {
  value: string;
  at: UnitLocation;
}

/** The [Service] settings kcheck needs, merged over the fragment and drop-ins as systemd does. */
interface Merged {
  execStart: Raw[];
  environment: Raw[];
  environmentFiles: Raw[];
  workingDirectory: Raw | null;
  type: string;
}

async function readMerged(root: NodeRoot, files: string[], service: SystemdService, gaps: ScanGap[]): Promise<Merged | null> {
  const merged: Merged = { execStart: [], environment: [], environmentFiles: [], workingDirectory: null, type: 'simple' };
  for (const path of files) {
    let text: string;
    try {
      text = (await root.readFile(path, UNIT_READ)).toString('utf8');
    } catch (err) {
      gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects: ['etcd'] });
      return null;
    }
    const file = root.display(path);
    service.files.push({ path, file, line: 1 });
    const parsed = parseUnitFile(text);
    for (const p of parsed.problems) service.problems.push({ at: { path, file, line: p.line }, message: p.message });
    for (const a of parsed.assignments) {
      if (a.section !== 'Service') continue;
      const raw = { value: a.value, at: { path, file, line: a.line } };
      // An empty assignment resets a list setting: the lines before it no longer count (systemd.service(5), ExecStart=).
      const list = a.key === 'ExecStart' ? merged.execStart : a.key === 'Environment' ? merged.environment : a.key === 'EnvironmentFile' ? merged.environmentFiles : null;
      if (list) {
        if (a.value === '') list.length = 0;
        else list.push(raw);
      } else if (a.key === 'WorkingDirectory') merged.workingDirectory = a.value === '' ? null : raw;
      else if (a.key === 'Type') merged.type = a.value;
    }
  }
  return merged;
}

/** systemd.exec(5), Environment=: words of `NAME=value`, specifiers resolved; a word that is no assignment is ignored with a warning. */
function applyEnvironment(merged: Merged, ctx: SpecifierContext, env: Map<string, UnitVariable>, service: SystemdService): void {
  for (const raw of merged.environment) {
    const split = splitWords(raw.value);
    if ('error' in split) {
      service.problems.push({ at: raw.at, message: `Environment=: ${split.error}; systemd ignores the line` });
      continue;
    }
    for (const word of split.words) {
      const resolved = expandSpecifiers(word, ctx);
      if ('unknown' in resolved) {
        service.problems.push({ at: raw.at, message: `Environment=${word}: ${resolved.unknown} is ${resolved.why}, which kcheck cannot know` });
        continue;
      }
      const eq = resolved.value.indexOf('=');
      const name = eq > 0 ? resolved.value.slice(0, eq) : '';
      if (!isEnvName(name)) {
        service.problems.push({ at: raw.at, message: `Environment=: "${word}" is not a NAME=value assignment; systemd ignores it` });
        continue;
      }
      env.set(name, { name, value: resolved.value.slice(eq + 1), at: raw.at });
    }
  }
}

/**
 * systemd.exec(5), EnvironmentFile=: read when the service starts, in the
 * order given, each overriding Environment= and the files before it; a
 * missing file stops the start unless the path is prefixed with `-`.
 */
async function applyEnvironmentFiles(root: NodeRoot, merged: Merged, ctx: SpecifierContext, env: Map<string, UnitVariable>, service: SystemdService, gaps: ScanGap[]): Promise<void> {
  for (const raw of merged.environmentFiles) {
    const optional = raw.value.startsWith('-');
    const resolved = expandSpecifiers(optional ? raw.value.slice(1) : raw.value, ctx);
    if ('unknown' in resolved) {
      service.problems.push({ at: raw.at, message: `EnvironmentFile=${raw.value}: ${resolved.unknown} is ${resolved.why}, which kcheck cannot know` });
      continue;
    }
    const path = resolved.value;
    if (!path.startsWith('/')) {
      service.problems.push({ at: raw.at, message: `EnvironmentFile=${raw.value} is not an absolute path; systemd ignores it` });
      continue;
    }
    const file = root.display(path);
    const entry: UnitEnvironmentFile = { path, file, optional, state: 'read', at: raw.at };
    service.environmentFiles.push(entry);
    let text: string;
    try {
      text = (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'an environment file' })).toString('utf8');
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        entry.state = 'missing';
        if (!optional) service.refused ??= `EnvironmentFile=${path} does not exist (${file}) and has no "-" prefix: systemd refuses to start ${service.unit}`;
        continue;
      }
      entry.state = 'unreadable';
      gaps.push({ what: file, reason: `cannot read the environment file of ${service.unit}: ${rootReason(err)}`, affects: ['etcd'] });
      continue;
    }
    for (const a of parseEnvironmentFile(text)) {
      if (!isEnvName(a.name)) {
        service.problems.push({ at: { path, file, line: a.line }, message: `"${a.name}" is not a variable name; systemd drops it` });
        continue;
      }
      env.set(a.name, { name: a.name, value: a.value, at: { path, file, line: a.line } });
    }
  }
}

/** systemd.service(5), ExecStart=: prefixes, words, specifiers; then `$VAR` expansion at start (unless `:`). */
function commandLine(merged: Merged, ctx: SpecifierContext, env: Map<string, UnitVariable>, service: SystemdService): void {
  if (merged.execStart.length === 0) {
    service.refused ??= `${service.unit} has no ExecStart=: systemd refuses to load it`;
    return;
  }
  if (merged.execStart.length > 1 && merged.type !== 'oneshot') {
    const where = merged.execStart.map((r) => `${r.at.file}:${r.at.line}`).join(', ');
    service.refused ??= `${service.unit} has ${merged.execStart.length} ExecStart= lines (${where}), only allowed for Type=oneshot: systemd refuses to load it (a drop-in must reset the list with an empty "ExecStart=" first)`;
    return;
  }
  const raw = merged.execStart[merged.execStart.length - 1]!;
  const split = splitWords(raw.value);
  if ('error' in split) {
    service.refused ??= `ExecStart= at ${raw.at.file}:${raw.at.line}: ${split.error}; systemd ignores the line and refuses to load ${service.unit}`;
    return;
  }
  const words = [...split.words];
  const prefix = /^[-@:+!|]*/.exec(words[0] ?? '')![0];
  if (prefix.length > 0) words[0] = words[0]!.slice(prefix.length);
  if (words[0] === '') words.shift();
  // `@`: the second word is argv[0], the first only the program to run.
  if (prefix.includes('@')) words.splice(0, 1);
  const resolved: string[] = [];
  for (const word of words) {
    const r = expandSpecifiers(word, ctx);
    if ('unknown' in r) {
      service.problems.push({ at: raw.at, message: `ExecStart= word "${word}": ${r.unknown} is ${r.why}, which kcheck cannot know` });
      resolved.push(word);
    } else resolved.push(r.value);
  }
  const values = new Map([...env.values()].map((v) => [v.name, v.value]));
  service.execStart = { argv: prefix.includes(':') ? resolved : expandArgv(resolved, values), at: raw.at };
}

async function hostname(root: NodeRoot): Promise<string | null> {
  try {
    const text = (await root.readFile('/etc/hostname', { limit: 64 * 1024, what: 'the host name file' })).toString('utf8');
    const name = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
    return name ?? null;
  } catch {
    return null;
  }
}

/**
 * Every service unit under the root whose name `wanted` accepts, as systemd
 * would start it. Unreadable files are gaps; what systemd would refuse or
 * ignore is said on the service.
 */
export async function readServices(root: NodeRoot, wanted: (unit: string) => boolean, gaps: ScanGap[]): Promise<SystemdService[]> {
  const dirs = await unitDirs(root, gaps);
  const units = [...new Set(dirs.flatMap((d) => d.names.filter((n) => n.endsWith('.service') && wanted(n))))].sort();
  const host = units.length > 0 ? await hostname(root) : null;
  const services: SystemdService[] = [];
  for (const unit of units) {
    const dir = dirs.find((d) => d.names.includes(unit))!;
    const fragment = posix.join(dir.nodePath, unit);
    const service: SystemdService = { unit, files: [], execStart: null, environment: [], environmentFiles: [], workingDirectory: '/', refused: null, masked: false, problems: [] };
    services.push(service);
    try {
      if (await maskedLink(root, dir, unit)) {
        service.files.push({ path: fragment, file: root.display(fragment), line: 1 });
        service.masked = true;
        service.refused = `${unit} is masked (${root.display(fragment)} links to /dev/null): systemd does not start it`;
        continue;
      }
      const info = await root.stat(fragment);
      if (info.isFile() && info.size === 0) {
        service.files.push({ path: fragment, file: root.display(fragment), line: 1 });
        service.masked = true;
        service.refused = `${unit} is masked (${root.display(fragment)} is empty): systemd does not start it`;
        continue;
      }
      if (info.isDirectory()) {
        services.pop();
        continue;
      }
    } catch (err) {
      gaps.push({ what: root.display(fragment), reason: `cannot read: ${rootReason(err)}`, affects: ['etcd'] });
      services.pop();
      continue;
    }
    const files = [fragment, ...(await dropIns(root, dirs, unit, gaps))];
    const merged = await readMerged(root, files, service, gaps);
    if (!merged) {
      services.pop();
      continue;
    }
    const ctx: SpecifierContext = { unit, hostname: host, fragment };
    const env = new Map<string, UnitVariable>();
    applyEnvironment(merged, ctx, env, service);
    await applyEnvironmentFiles(root, merged, ctx, env, service, gaps);
    service.environment = [...env.values()];
    if (merged.workingDirectory) {
      const w = expandSpecifiers(merged.workingDirectory.value.replace(/^-/, ''), ctx);
      // `~` is the User='s home; kcheck cannot read /etc/passwd's answer for a name reliably, so it keeps the text.
      if ('value' in w) service.workingDirectory = w.value;
    }
    commandLine(merged, ctx, env, service);
  }
  return services;
}
