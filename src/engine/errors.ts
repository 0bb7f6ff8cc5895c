/**
 * A problem with how kcheck was asked to run (flags, config, kubeconfig,
 * unreachable inputs): printed as one clear message, exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
