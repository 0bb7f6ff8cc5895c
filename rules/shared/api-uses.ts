import type { Report } from '../../src/engine/types.js';
import { apiserverRange } from '../../src/model/control-plane.js';
import { remembered } from '../../src/model/cluster-index.js';
import { LAST_APPLIED } from '../../src/model/last-applied.js';
import type { RequestedDeprecatedApi } from '../../src/model/types.js';
import { describeRef } from '../../src/model/subject.js';
import type { ClusterModel, Subject } from '../../src/model/types.js';
import { compareMinor, minorOf, parseMinor, type Version } from '../../src/model/version.js';
import { lifecycleOf, lifecycleOfResource, type ApiLifecycle } from '../../src/facts/api-table.js';
import { newestKnownRelease } from '../../src/facts/releases.js';
import { show } from '../../src/facts/wording.js';

/** The Kubernetes minor whose served API versions objects are judged against, and how it was chosen. */
export interface ApiTarget {
  version: Version;
  /** `target 1.33`, `the cluster's version 1.29`, ... */
  label: string;
}

/**
 * `--target` when given; else the newest kube-apiserver of the cluster (an
 * object must be served by every apiserver a request may reach); else, for
 * manifests alone, the newest release in rules/data/releases.yaml: the
 * release a cluster would next be upgraded to.
 */
export function apiTarget(model: ClusterModel): ApiTarget {
  if (model.target) return { version: model.target, label: `target ${minorOf(model.target)}` };
  const range = apiserverRange(model);
  if (range) return { version: range.newest.version, label: `the cluster's version ${show(range.newest.version)}` };
  const newest = parseMinor(newestKnownRelease.minor)!;
  return { version: newest, label: `${newestKnownRelease.minor}, the newest release kcheck knows (no --target, no cluster version)` };
}

/** Where kcheck saw an API version being used. */
type UseSource = 'manifest' | 'last-applied' | 'metric';

/** One use of a listed API version: an object, an object's last-applied annotation, or client requests seen in the metric. */
export interface ApiUse {
  source: UseSource;
  subject: Subject;
  /** `batch/v1beta1` (the object names the kind), or `batch/v1beta1 cronjobs` for a metric. */
  name: string;
  /** Null for a metric about a resource the table does not list. */
  lifecycle: ApiLifecycle | null;
  deprecatedIn: Version | null;
  removedIn: Version | null;
}

function metricUse(request: RequestedDeprecatedApi): ApiUse {
  const lifecycle = lifecycleOfResource(request.group, request.version, request.resource) ?? null;
  const apiVersion = request.group ? `${request.group}/${request.version}` : request.version;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return {
    source: 'metric',
    subject: { ref: null, provenance: request.provenance },
    name: `${apiVersion} ${resource}`,
    lifecycle,
    deprecatedIn: lifecycle?.deprecatedIn ?? null,
    // The server's own removed_release wins over the table: it is that server's truth.
    removedIn: (request.removedRelease ? parseMinor(request.removedRelease) : null) ?? lifecycle?.removedIn ?? null,
  };
}

/** Every use of an API version the table lists: objects as written, their last-applied annotations, and requests clients made. */
export function apiUses(model: ClusterModel): ApiUse[] {
  // Both API rules ask, at every step of a plan: the table is looked up once per object list (the
  // planner's states share it), O(objects) once, then O(uses) per ask.
  const objects = remembered(model.objects, 'api uses', () => objectUses(model));
  const requests = remembered(model.requestedDeprecatedApis, 'api uses', () => model.requestedDeprecatedApis.map(metricUse));
  return [...objects, ...requests];
}

function objectUses(model: ClusterModel): ApiUse[] {
  const uses: ApiUse[] = [];
  for (const object of model.objects) {
    const own = lifecycleOf(object.apiVersion, object.kind);
    if (own) {
      uses.push({ source: 'manifest', subject: object.subject, name: object.apiVersion, lifecycle: own, deprecatedIn: own.deprecatedIn, removedIn: own.removedIn });
    }
    const applied = object.lastApplied;
    if (!applied) continue;
    const before = lifecycleOf(applied.apiVersion, applied.kind);
    if (before) {
      uses.push({ source: 'last-applied', subject: object.subject, name: applied.kind === object.kind ? applied.apiVersion : `${applied.apiVersion} ${applied.kind}`, lifecycle: before, deprecatedIn: before.deprecatedIn, removedIn: before.removedIn });
    }
  }
  return uses;
}

export function isRemovedAt(use: Pick<ApiUse, 'removedIn'>, target: Version): boolean {
  return use.removedIn !== null && compareMinor(use.removedIn, target) <= 0;
}

/** Served at the target but deprecated there; whatever clients request through a deprecated version is deprecated now. */
export function isDeprecatedAt(use: ApiUse, target: Version): boolean {
  if (isRemovedAt(use, target)) return false;
  if (use.source === 'metric') return true;
  return use.deprecatedIn !== null && compareMinor(use.deprecatedIn, target) <= 0;
}

/** What to move to at the target: the replacement, or its own replacement when that one is gone too. */
export interface Migration {
  to: { apiVersion: string; kind: string; since: Version } | null;
  /** The last lifecycle followed: its note or `instead` apply when `to` is null. */
  last: ApiLifecycle;
  /** What changes along the way, oldest step first. */
  changes: string[];
}

export function migrationAt(lifecycle: ApiLifecycle, target: Version): Migration {
  const changes: string[] = [];
  let last = lifecycle;
  for (let step = 0; step < 10; step += 1) {
    if (last.changes) changes.push(last.changes);
    const to = last.replacement;
    if (!to) return { to: null, last, changes };
    const next = lifecycleOf(to.apiVersion, to.kind);
    if (!next || !isRemovedAt(next, target)) return { to, last, changes };
    last = next;
  }
  return { to: null, last, changes };
}

/** `batch/v1 (served since 1.21)`, `discovery.k8s.io/v1 EndpointSlice (...)`, or what to use when there is no replacement. */
function replacementText(lifecycle: ApiLifecycle, migration: Migration, target: Version): string {
  const to = migration.to;
  if (!to) {
    const instead = migration.last.instead ? `: use ${migration.last.instead}` : '';
    return `it has no replacement API${instead}`;
  }
  const what = to.kind === lifecycle.kind ? to.apiVersion : `${to.apiVersion} ${to.kind}`;
  return compareMinor(to.since, target) <= 0
    ? `use ${what} (served since ${minorOf(to.since)})`
    : `use ${what} once the cluster runs ${minorOf(to.since)} (it is served from ${minorOf(to.since)})`;
}

/** Where the finding came from, in words, when it is not the object as written. */
function sourceNote(use: ApiUse): string {
  if (use.source === 'last-applied') {
    return ` (as last applied, per its ${LAST_APPLIED} annotation; lower confidence: the annotation shows what kubectl apply last sent, and other clients may have written the object since)`;
  }
  return '';
}

/** The subject of a use, in the words of a message: the object, or the clients. */
function useSubject(use: ApiUse): string {
  return use.source === 'metric' ? `clients still request ${use.name}` : `${describeRef(use.subject.ref)} uses ${use.name}`;
}

/** How to fix one use, from its migration and where it was seen. */
function remediationFor(use: ApiUse, migration: Migration | null): string {
  const to = migration?.to ?? null;
  const renamed = to !== null && use.lifecycle !== null && to.kind !== use.lifecycle.kind;
  const replacement = to ? (renamed ? `${to.apiVersion} ${to.kind}` : to.apiVersion) : null;
  const steps: string[] = [];
  if (use.source === 'metric') {
    steps.push(
      'Find the client: kube-apiserver\'s audit log marks its requests with the annotations k8s.io/deprecated: "true" and ' +
        'k8s.io/removed-release, and client-go and kubectl print a deprecation warning for each.' +
        (replacement ? ` Update the client (or its chart or operator) to request ${replacement}.` : ''),
    );
  } else if (use.source === 'last-applied') {
    steps.push(
      replacement
        ? `Re-apply the object from a manifest that uses ${replacement}: kubectl apply rewrites the annotation.`
        : 'Stop applying this object from the old manifest.',
    );
  } else if (to) {
    steps.push(
      `Set apiVersion: ${to.apiVersion}${renamed ? ` and kind: ${to.kind}` : ''} in the manifest or in the chart ` +
        `template that renders it (the kubectl-convert plugin converts a file: kubectl-convert -f FILE --output-version ${to.apiVersion}).`,
    );
  }
  if (migration) {
    steps.push(...migration.changes);
    if (!to && migration.last.note) steps.push(migration.last.note);
  }
  return steps.join(' ');
}

/**
 * One finding about an API use: what the use is, what the target does to it
 * (`state`), the replacement to move to, and where the use was seen.
 */
export function apiReport(use: ApiUse, target: ApiTarget, state: string): Report {
  const migration = use.lifecycle ? migrationAt(use.lifecycle, target.version) : null;
  const instead = use.lifecycle && migration ? `; ${replacementText(use.lifecycle, migration, target.version)}` : '';
  return {
    subject: use.subject,
    message:
      `${useSubject(use)}, ${state}${instead}` +
      `${use.source === 'metric' ? ' (apiserver_requested_deprecated_apis)' : ''}${sourceNote(use)}`,
    remediation: remediationFor(use, migration),
  };
}
