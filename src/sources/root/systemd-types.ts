/** Where a unit setting was written: the node's path, as findings name it under `--root`, and its line. */
export interface UnitLocation {
  /** As on the node: `/etc/systemd/system/etcd.service.d/10-data.conf`. */
  path: string;
  /** Under `--root`. */
  file: string;
  line: number;
}

/** An EnvironmentFile= the service names, and what the root holds there. */
export interface UnitEnvironmentFile {
  /** As on the node, specifiers resolved: `/etc/default/etcd`. */
  path: string;
  file: string;
  /** `EnvironmentFile=-/path`: systemd starts the service without it when it is missing. */
  optional: boolean;
  state: 'read' | 'missing' | 'unreadable';
  at: UnitLocation;
}

/** One variable of the environment systemd starts the process with (Environment= then EnvironmentFile=, the later winning). */
export interface UnitVariable {
  name: string;
  value: string;
  at: UnitLocation;
}

/**
 * A service unit as systemd would start it, read from a node's files:
 * the fragment and its drop-ins merged in systemd's order, the environment
 * assembled, and ExecStart='s variables expanded.
 */
export interface SystemdService {
  /** `etcd.service`. */
  unit: string;
  /** The unit file that defines it, then its drop-ins in the order systemd applies them. */
  files: UnitLocation[];
  /** ExecStart= as etcd receives it (argv[0] first), null when the unit has none systemd accepts. */
  execStart: { argv: string[]; at: UnitLocation } | null;
  /** The final environment, one entry per name. */
  environment: UnitVariable[];
  environmentFiles: UnitEnvironmentFile[];
  /** WorkingDirectory=, `/` by default for the system manager (systemd.exec(5)). */
  workingDirectory: string;
  /** Why systemd would not start it at all (masked, no or several ExecStart=, a required environment file missing); null when it would. */
  refused: string | null;
  /** Linked to /dev/null or empty (systemctl mask): switched off on purpose. */
  masked: boolean;
  /** What systemd warns about and ignores, or what kcheck could not resolve. */
  problems: { at: UnitLocation; message: string }[];
}

/** An etcd configuration file named with --config-file or ETCD_CONFIG_FILE (etcd then ignores every other flag and variable). */
export interface EtcdConfigFile {
  path: string;
  file: string;
  /** The YAML document as parsed; null when it could not be read or parsed. */
  content: Record<string, unknown> | null;
  problem: string | null;
}

/** The Debian/Ubuntu package that installed the etcd binary, from dpkg's database under the root. */
export interface EtcdPackage {
  /** `etcd-server`. */
  name: string;
  /** dpkg's version: `3.4.23-4+b4`. */
  version: string;
  /** The stanza in /var/lib/dpkg/status. */
  at: UnitLocation;
}

/** A systemd service on the node whose ExecStart= runs etcd. */
export interface EtcdUnit extends SystemdService {
  configFile: EtcdConfigFile | null;
  /** Null when no installed dpkg package lists the binary (a tarball in /usr/local/bin, an RPM system). */
  package: EtcdPackage | null;
}
