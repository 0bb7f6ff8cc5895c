/**
 * How fast the manifest reader gets through a large `kubectl get pods -A -o
 * json|yaml` dump, and how much memory it needs compared with the file.
 *
 *   npm run build && node build/test/bench/manifests-stream.js [--json-mb 200] [--yaml-mb 20]
 *
 * Each measurement runs in a child process of its own so its peak RSS is its own:
 * - "stream": streamManifests, counting objects without keeping them; memory
 *   should not grow with the file.
 * - "readPaths": what a scan does, keeping every object (managedFields dropped).
 * "RSS/file" is peak RSS over file size; "growth/file" leaves out the RSS the
 * process had before reading.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { readPaths, streamManifests } from '../../src/sources/manifests/index.js';

const MB = 1024 * 1024;

function pod(i: number): Record<string, unknown> {
  const name = `web-${(i % 997).toString(36)}-${i.toString(36).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: '2025-01-10T08:00:00Z',
      generateName: `web-${(i % 997).toString(36)}-`,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c6f8d' },
      managedFields: [
        {
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {} } } } },
          manager: 'kube-controller-manager',
          operation: 'Update',
          time: '2025-01-10T08:00:00Z',
        },
      ],
      name,
      namespace: `team-${i % 40}`,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `web-${(i % 997).toString(36)}`, uid: `6b1f2c3e-0000-4000-8000-${i.toString(16).padStart(12, '0')}` }],
      resourceVersion: String(100000 + i),
      uid: `0c9d8e7f-1111-4222-8333-${i.toString(16).padStart(12, '0')}`,
    },
    spec: {
      containers: [
        {
          image: 'registry.example.com/shop/web:1.27.3',
          imagePullPolicy: 'IfNotPresent',
          name: 'web',
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          volumeMounts: [
            { mountPath: '/cache', name: 'cache' },
            { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-x7k2p', readOnly: true },
          ],
        },
      ],
      nodeName: `worker-${i % 25}`,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      volumes: [{ emptyDir: {}, name: 'cache' }],
    },
    status: {
      conditions: [
        { lastTransitionTime: '2025-01-10T08:00:05Z', status: 'True', type: 'Ready' },
        { lastTransitionTime: '2025-01-10T08:00:01Z', status: 'True', type: 'PodScheduled' },
      ],
      phase: 'Running',
      podIP: `10.244.${i % 250}.${i % 200}`,
      qosClass: 'Burstable',
      startTime: '2025-01-10T08:00:01Z',
    },
  };
}

/** A list item in kubectl's YAML style: `- ` then the object, sequences at their key's indentation. */
function yamlItem(value: unknown): string {
  return stringify(value, { indentSeq: false, lineWidth: 0 }).replace(/\n(?=.)/g, '\n  ').replace(/^/, '- ');
}

async function generate(file: string, format: 'json' | 'yaml', bytes: number): Promise<{ pods: number; bytes: number }> {
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let written = 0;
  let pods = 0;
  await write(format === 'json' ? '{\n    "apiVersion": "v1",\n    "items": [\n' : 'apiVersion: v1\nitems:\n');
  while (written < bytes) {
    const text =
      format === 'json'
        ? (pods > 0 ? ',\n' : '') + JSON.stringify(pod(pods), null, 4).replace(/^/gm, '        ')
        : yamlItem(pod(pods));
    written += Buffer.byteLength(text);
    pods += 1;
    await write(text);
  }
  await write(format === 'json' ? '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n' : 'kind: List\nmetadata:\n  resourceVersion: ""\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { pods, bytes: (await stat(file)).size };
}

interface Measurement {
  seconds: number;
  objects: number;
  problems: number;
  peakRssBytes: number;
  startRssBytes: number;
}

async function measure(mode: string, file: string): Promise<Measurement> {
  const startRssBytes = process.memoryUsage.rss();
  const started = process.hrtime.bigint();
  let objects = 0;
  let problems = 0;
  if (mode === 'stream') {
    for await (const event of streamManifests(createReadStream(file, { highWaterMark: MB }))) {
      if (event.type === 'object') objects += 1;
      else if (event.type === 'problem') problems += 1;
    }
  } else {
    const inputs = await readPaths([file]);
    objects = inputs.objects.length;
    problems = inputs.problems.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // maxRSS is in kilobytes: the process's peak resident set.
  return { seconds, objects, problems, peakRssBytes: process.resourceUsage().maxRSS * 1024, startRssBytes };
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') {
    const [, , , mode, file] = process.argv;
    process.stdout.write(JSON.stringify(await measure(mode ?? 'stream', file ?? '')));
    return;
  }
  const sizes = { json: argument('--json-mb', 200), yaml: argument('--yaml-mb', 20) };
  const dir = await mkdtemp(join(tmpdir(), 'kcheck-bench-'));
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  try {
    for (const format of ['json', 'yaml'] as const) {
      if (sizes[format] <= 0) continue;
      const file = join(dir, `pods.${format}`);
      const made = await generate(file, format, sizes[format] * MB);
      for (const mode of ['stream', 'readPaths']) {
        const child = spawnSync(process.execPath, [self, '--measure', mode, file], { encoding: 'utf8', maxBuffer: MB });
        if (child.status !== 0) throw new Error(`${mode} on ${format} failed: ${child.stderr}`);
        const m = JSON.parse(child.stdout) as Measurement;
        if (m.objects !== made.pods || m.problems !== 0) throw new Error(`${mode} on ${format}: ${m.objects}/${made.pods} pods, ${m.problems} problems`);
        rows.push(
          [
            format.padEnd(5),
            mode.padEnd(10),
            `${(made.bytes / MB).toFixed(0)} MB`.padStart(8),
            String(made.pods).padStart(8),
            `${(made.bytes / MB / m.seconds).toFixed(1)} MB/s`.padStart(11),
            `${(m.peakRssBytes / MB).toFixed(0)} MB`.padStart(9),
            `${(m.startRssBytes / MB).toFixed(0)} MB`.padStart(9),
            (m.peakRssBytes / made.bytes).toFixed(3).padStart(9),
            ((m.peakRssBytes - m.startRssBytes) / made.bytes).toFixed(3).padStart(12),
          ].join('  '),
        );
      }
      await rm(file);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(['format', 'mode      ', '    file', '    pods', ' throughput', ' peak RSS', 'start RSS', 'RSS/file', 'growth/file'].join('  '));
  for (const row of rows) console.log(row);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
