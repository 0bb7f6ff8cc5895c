import { posix } from 'node:path';
import { parse } from 'yaml';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import type { ScanGap } from '../types.js';
import { type NodeRoot, rootReason } from './node-root.js';
import { envNameOf, parseEtcdArgs } from './systemd-etcd-flags.js';
import type { EtcdConfigFile, EtcdPackage, EtcdUnit, SystemdService } from './systemd-types.js';
import { readServices } from './systemd-units.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash']);

const programOf = (s: SystemdService) => posix.basename(s.execStart?.argv[0] ?? '');

/**
 * etcd reads --config-file (or ETCD_CONFIG_FILE) and then ignores every
 * other flag and ETCD_* variable (server/etcdmain/config.go, parse:
 * "other configuration command line flags and environment variables will
 * be ignored"). The file is YAML (server/embed/config.go, ConfigFromFile).
 */
async function readConfigFile(root: NodeRoot, service: SystemdService, gaps: ScanGap[]): Promise<EtcdConfigFile | null> {
  const args = parseEtcdArgs(service.execStart!.argv.slice(1));
  const named = args.flags.get('config-file')?.value || service.environment.find((v) => v.name === envNameOf('config-file'))?.value;
  if (!named) return null;
  const path = posix.resolve(service.workingDirectory, named);
  const file = root.display(path);
  let text: string;
  try {
    text = (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'an etcd configuration file' })).toString('utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, file, content: null, problem: `does not exist (${file}): etcd exits at start` };
    gaps.push({ what: file, reason: `cannot read the etcd configuration file of ${service.unit}: ${rootReason(err)}`, affects: ['etcd'] });
    return { path, file, content: null, problem: `cannot be read: ${rootReason(err)}` };
  }
  try {
    const content: unknown = parse(text, { maxAliasCount: 100 });
    if (content === null || typeof content !== 'object' || Array.isArray(content)) {
      return { path, file, content: null, problem: 'is not a YAML mapping: etcd exits at start' };
    }
    return { path, file, content: content as Record<string, unknown>, problem: null };
  } catch (err) {
    return { path, file, content: null, problem: `is not valid YAML (${(err as Error).message.split('\n')[0]}): etcd exits at start` };
  }
}

/** Debian's and Ubuntu's etcd packages (packages.debian.org etcd-server; Ubuntu before 22.04: etcd). */
const ETCD_PACKAGES = ['etcd-server', 'etcd'];
const DPKG = '/var/lib/dpkg';

/**
 * The installed package that ships the binary, as `dpkg -S BINARY` and
 * `dpkg -s PACKAGE` would say: its file list in /var/lib/dpkg/info/NAME.list
 * names the path, and its /var/lib/dpkg/status stanza says
 * "Status: install ok installed" and its Version (deb-control(5), dpkg(1)).
 * Only Debian's package names are looked at, never the whole database.
 */
async function packageOf(root: NodeRoot, binary: string): Promise<EtcdPackage | null> {
  const read = async (path: string) => {
    try {
      return (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: "dpkg's database" })).toString('utf8');
    } catch {
      return null;
    }
  };
  for (const name of ETCD_PACKAGES) {
    const list = await read(`${DPKG}/info/${name}.list`);
    // dpkg lists /usr/bin/etcd; on merged /usr the unit may say /bin/etcd.
    if (!list?.split('\n').some((l) => l === binary || `/usr${l}` === binary || l === `/usr${binary}`)) continue;
    const status = await read(`${DPKG}/status`);
    if (status === null) return null;
    let line = 1;
    for (const stanza of status.split(/\n\n/)) {
      const field = (f: string) => new RegExp(`^${f}: *(.*)$`, 'm').exec(stanza)?.[1]?.trim();
      if (field('Package') === name && field('Status') === 'install ok installed' && field('Version')) {
        return { name, version: field('Version')!, at: { path: `${DPKG}/status`, file: root.display(`${DPKG}/status`), line } };
      }
      line += stanza.split('\n').length + 1;
    }
  }
  return null;
}

/**
 * The systemd services on the node that run etcd: units whose name has
 * "etcd" in it and whose ExecStart= program is `etcd` (Debian's and
 * Fedora's etcd.service, kubeadm's external etcd guide, kubespray). A
 * masked or refused etcd unit is kept: it says etcd is not started that
 * way. A unit that starts etcd through a shell cannot be followed: a gap.
 */
export async function readEtcdUnits(root: NodeRoot, gaps: ScanGap[]): Promise<EtcdUnit[]> {
  // A template (`etcd@.service`) runs only as an instance, enabled by a link elsewhere (`*.wants/etcd@a.service`): not read here.
  const services = await readServices(root, (unit) => unit.toLowerCase().includes('etcd') && !unit.endsWith('@.service'), gaps);
  const units: EtcdUnit[] = [];
  for (const service of services) {
    const program = programOf(service);
    if (service.execStart && SHELLS.has(program) && service.execStart.argv.some((w) => /\betcd\b/.test(w))) {
      gaps.push({
        what: service.execStart.at.file,
        reason: `${service.unit} starts etcd through ${program}: kcheck does not run shell commands, so etcd's flags there are unknown`,
        affects: ['etcd'],
      });
      continue;
    }
    if (program !== 'etcd' && !(service.refused && /^etcd[^/]*\.service$/.test(service.unit))) continue;
    const runs = service.execStart !== null && service.refused === null;
    units.push({
      ...service,
      configFile: runs ? await readConfigFile(root, service, gaps) : null,
      package: runs ? await packageOf(root, service.execStart!.argv[0]!) : null,
    });
  }
  return units;
}
