import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, Subject, VeleroSchedule } from '../src/model/types.js';
import { includesNamespace, nameOf, selectors, selectsLabels, veleroUnread } from './shared/velero.js';

interface Options {
  ignoreNamespaces: string[];
}

interface Held {
  workloads: string[];
  /** Labels of its pods and pod templates: what a Schedule's label selector is matched against. */
  labels: Record<string, string>[];
  subject: Subject;
}

/** Namespaces holding workloads (or pods of their own), with what is in them. */
function namespacesWithWorkloads(model: ClusterModel): Map<string, Held> {
  const held = new Map<string, Held>();
  const at = (namespace: string, subject: Subject): Held => {
    let entry = held.get(namespace);
    if (!entry) held.set(namespace, (entry = { workloads: [], labels: [], subject: model.namespaces?.find((n) => n.name === namespace)?.subject ?? subject }));
    return entry;
  };
  for (const w of model.workloads) {
    if (w.controller) continue;
    const entry = at(w.namespace, w.subject);
    entry.workloads.push(`${w.kind} ${w.name}`);
    if (w.podLabels) entry.labels.push(w.podLabels);
  }
  for (const pod of model.pods) {
    if (pod.mirror) continue;
    const entry = at(pod.namespace, pod.subject);
    if (!pod.controller) entry.workloads.push(`Pod ${pod.name}`);
    entry.labels.push(pod.labels);
  }
  for (const [namespace, entry] of held) if (entry.workloads.length === 0) held.delete(namespace);
  return held;
}

/** Why a Schedule does not back the namespace up, or null when it does. */
function whyNot(schedule: VeleroSchedule, namespace: string, held: Held): string | null {
  const spec = schedule.template;
  if (spec.excludedNamespaces.length > 0 && !includesNamespace({ ...spec, includedNamespaces: [] }, namespace)) return `${nameOf(schedule)} excludes it (excludedNamespaces: ${spec.excludedNamespaces.join(', ')})`;
  if (!includesNamespace(spec, namespace)) return `${nameOf(schedule)} includes only ${spec.includedNamespaces.join(', ')}`;
  if (selectors(spec).length > 0 && !held.labels.some((l) => selectsLabels(spec, l))) return `${nameOf(schedule)}'s label selector matches none of its pods`;
  if (schedule.paused) return `${nameOf(schedule)} is paused`;
  return null;
}

export default defineRule<Options>({
  id: 'velero-namespace-not-covered',
  description: 'A namespace holding workloads is backed up by no Velero Schedule (includedNamespaces, excludedNamespaces, label selectors, paused).',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  defaultOptions: { ignoreNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'] },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ignoreNamespaces: { type: 'array', items: { type: 'string' }, description: 'Namespaces no Schedule needs to back up (the cluster rebuilds them).' },
    },
  },
  remediation: 'Add the namespace to a Schedule (velero schedule create NAME --schedule "0 3 * * *" --include-namespaces NS), or take it out of excludedNamespaces.',
  skipIf: veleroUnread,
  check(model, options) {
    if (!model.velero.inUse) return [];
    const reports: Report[] = [];
    const held = namespacesWithWorkloads(model);
    for (const namespace of [...held.keys()].sort()) {
      if (options.ignoreNamespaces.includes(namespace)) continue;
      const entry = held.get(namespace)!;
      const reasons = model.velero.schedules.map((s) => whyNot(s, namespace, entry));
      if (reasons.some((r) => r === null)) continue;
      const shown = entry.workloads.slice(0, 3).join(', ') + (entry.workloads.length > 3 ? `, and ${entry.workloads.length - 3} more` : '');
      const why = model.velero.schedules.length === 0 ? 'there is no Schedule' : (reasons as string[]).join('; ');
      reports.push({
        subject: entry.subject,
        message: `namespace ${namespace} holds ${entry.workloads.length} workload${entry.workloads.length === 1 ? '' : 's'} (${shown}) that no Velero Schedule backs up: ${why}`,
        remediation: `velero schedule create ${namespace}-daily --schedule "0 3 * * *" --include-namespaces ${namespace} -n ${model.velero.schedules[0]?.namespace ?? 'velero'}, or add ${namespace} to an existing Schedule's includedNamespaces`,
      });
    }
    return reports;
  },
});
