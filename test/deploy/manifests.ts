import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../cluster/binaries.js';

const DEPLOY = join(REPO_ROOT, 'deploy');
export const RBAC_FILE = join(DEPLOY, 'rbac.yaml');
export const CRONJOB_FILE = join(DEPLOY, 'cronjob.yaml');
export const CRDS_FILE = join(DEPLOY, 'policy-report-crds.yaml');

/** The identity deploy/rbac.yaml creates and deploy/cronjob.yaml runs as. */
export const SERVICE_ACCOUNT = 'system:serviceaccount:kcheck:kcheck';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown>;
}

export interface CronJob extends Manifest {
  spec: {
    schedule: string;
    concurrencyPolicy?: string;
    jobTemplate: {
      spec: {
        template: {
          spec: {
            serviceAccountName?: string;
            securityContext?: Record<string, unknown>;
            initContainers?: Container[];
            containers: Container[];
          };
        };
      };
    };
  };
}

/** Every object of a multi-document YAML file under deploy/, in order. */
export function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

export function cronJob(): CronJob {
  const job = manifests(CRONJOB_FILE).find((m) => m.kind === 'CronJob');
  if (!job) throw new Error(`${CRONJOB_FILE} has no CronJob`);
  return job as CronJob;
}

/** `Kind namespace/name`, as the API server and the files both name an object. */
export function objectKey(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}
