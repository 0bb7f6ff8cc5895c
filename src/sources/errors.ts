/**
 * What was asked for cannot be read at all (no usable kubeconfig, an API
 * server that cannot be reached): nothing was seen, so the scan cannot start.
 * The CLI prints the message and exits 2, as for a bad flag.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}
