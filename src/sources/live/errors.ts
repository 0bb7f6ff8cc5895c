import { InputError } from '../errors.js';

/**
 * No usable kubeconfig: none found, unreadable, or the asked-for context is
 * not in it. The scan cannot start; the CLI prints the message and exits 2.
 */
export class KubeconfigError extends InputError {}

/**
 * The API server could not be read at all (unreachable until the deadline,
 * credentials rejected, TLS failure). Not a gap: nothing was seen, so the CLI
 * prints the message and exits 2.
 */
export class ClusterReadError extends InputError {}

/** What to tell a user who has no kubeconfig at all. */
export const NO_KUBECONFIG_HINT =
  'Point kcheck at a cluster with --kubeconfig FILE or KUBECONFIG, scan manifests or dumps with `kcheck scan PATH...`, or try `kcheck demo`.';
