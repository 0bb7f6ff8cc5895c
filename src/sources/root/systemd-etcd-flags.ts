/**
 * etcd's command line as Go's `flag` package reads it (etcd parses its
 * flags with flag.FlagSet: server/etcdmain/config.go, parse;
 * https://pkg.go.dev/flag#hdr-Command_line_flag_syntax): `-name=value`,
 * `--name=value`, `-name value` (any next word, even one starting with
 * `-`), bool flags only as `-name` or `-name=false`; a repeated flag keeps
 * its last value; parsing stops at the first word that is not a flag, and
 * etcd then exits with `"WORD" is not a valid flag`.
 */

/** etcd's boolean flags (3.4-3.6, server/embed/config.go and server/etcdmain/config.go): they never take the next word. */
const BOOL_FLAGS = new Set([
  'version', 'enable-v2', 'enable-pprof', 'strict-reconfig-check', 'pre-vote', 'client-cert-auth', 'auto-tls',
  'peer-client-cert-auth', 'peer-auto-tls', 'force-new-cluster', 'debug', 'enable-grpc-gateway', 'socket-reuse-port',
  'socket-reuse-address', 'discovery-insecure-transport', 'discovery-insecure-skip-tls-verify', 'initial-election-tick-advance',
  'enable-log-rotation', 'experimental-initial-corrupt-check', 'experimental-enable-lease-checkpoint',
  'experimental-enable-lease-checkpoint-persist', 'experimental-enable-distributed-tracing', 'enable-distributed-tracing',
  'experimental-memory-mlock', 'memory-mlock', 'unsafe-no-fsync', 'experimental-txn-mode-write-with-shared-buffer',
  'experimental-stop-grpc-service-on-defrag', 'experimental-peer-skip-client-san-verification', 'peer-skip-client-san-verification',
  'experimental-compact-hash-check-enabled', 'experimental-enable-v2v3', 'experimental-set-member-localaddr',
]);

interface EtcdFlag {
  value: string;
  /** Index in the arguments (after argv[0]) of the word that set it last. */
  index: number;
}

export interface EtcdArgs {
  /** Flags given, by name without dashes. */
  flags: Map<string, EtcdFlag>;
  /** Why etcd exits while reading its command line; null when it reads it. */
  error: string | null;
}

/** etcd's arguments (argv without argv[0]). */
export function parseEtcdArgs(args: string[]): EtcdArgs {
  const flags = new Map<string, EtcdFlag>();
  for (let i = 0; i < args.length; i += 1) {
    const s = args[i]!;
    if (s.length < 2 || s[0] !== '-') return { flags, error: `"${s}" is not a valid flag` };
    const dashes = s[1] === '-' ? 2 : 1;
    if (dashes === 2 && s.length === 2) {
      // `--` ends the flags; etcd refuses anything after it.
      return { flags, error: i + 1 < args.length ? `"${args[i + 1]}" is not a valid flag` : null };
    }
    const body = s.slice(dashes);
    if (body === '' || body[0] === '-' || body[0] === '=') return { flags, error: `bad flag syntax: ${s}` };
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (eq >= 0) {
      flags.set(name, { value: body.slice(eq + 1), index: i });
    } else if (BOOL_FLAGS.has(name)) {
      flags.set(name, { value: 'true', index: i });
    } else if (i + 1 < args.length) {
      flags.set(name, { value: args[i + 1]!, index: i });
      i += 1;
    } else {
      return { flags, error: `flag needs an argument: ${s}` };
    }
  }
  return { flags, error: null };
}

/** pkg/flags FlagToEnv: `data-dir` is read from ETCD_DATA_DIR. */
export function envNameOf(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
}
