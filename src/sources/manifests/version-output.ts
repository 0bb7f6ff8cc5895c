export interface VersionOutput {
  clientVersion?: string;
  serverVersion?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// `kubectl version -o json|yaml`: {clientVersion: {gitVersion, ...}, kustomizeVersion, serverVersion: {...}}.
function gitVersionOf(info: unknown): string | undefined {
  return isRecord(info) && typeof info.gitVersion === 'string' ? info.gitVersion : undefined;
}

// Plain `kubectl version` (1.28+) prints "Client Version: v1.30.2" lines, which read as a
// YAML mapping; before 1.28 it printed `Client Version: version.Info{... GitVersion:"v1.27.3", ...}`.
function textVersionOf(line: unknown): string | undefined {
  if (typeof line !== 'string') return undefined;
  const goStruct = /GitVersion:"([^"]+)"/.exec(line);
  if (goStruct) return goStruct[1];
  return /^v?\d+\.\d+/.test(line.trim()) ? line.trim() : undefined;
}

/** The versions in `kubectl version` output, or undefined if the document is something else. */
export function versionOutputOf(value: unknown): VersionOutput | undefined {
  if (!isRecord(value) || 'apiVersion' in value || 'kind' in value) return undefined;
  const clientVersion = gitVersionOf(value.clientVersion) ?? textVersionOf(value['Client Version']);
  const serverVersion = gitVersionOf(value.serverVersion) ?? textVersionOf(value['Server Version']);
  if (clientVersion === undefined && serverVersion === undefined) return undefined;
  const found: VersionOutput = {};
  if (clientVersion !== undefined) found.clientVersion = clientVersion;
  if (serverVersion !== undefined) found.serverVersion = serverVersion;
  return found;
}
