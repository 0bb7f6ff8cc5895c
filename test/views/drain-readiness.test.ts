import { describe, expect, it } from 'vitest';
import { drainReadiness } from '../../src/views/drain-readiness.js';
import { demoScan } from '../report/demo-scan.js';

describe('drain readiness per node', () => {
  it('puts each drain finding about a pod on the pod\'s node', async () => {
    const { result, rules, model } = await demoScan();
    const readiness = drainReadiness(result.findings, rules, model);
    expect(readiness.nodes.map((n) => n.node)).toEqual(model.nodes.map((n) => n.name));
    const podFindings = result.findings.filter((f) => !f.suppressed && f.object?.kind === 'Pod' && rules.find((r) => r.id === f.ruleId)?.category === 'drain');
    expect(podFindings.length).toBeGreaterThan(0);
    for (const finding of podFindings) {
      const pod = model.pods.find((p) => p.namespace === finding.object?.namespace && p.name === finding.object?.name);
      const node = readiness.nodes.find((n) => n.node === pod?.nodeName);
      expect(node?.findings, `${finding.ruleId} ${finding.object?.name}`).toContain(finding);
    }
  });

  it('calls a node blocked by an error, in need of care with warnings, ready with none', async () => {
    const { result, rules, model } = await demoScan();
    const readiness = drainReadiness(result.findings, rules, model);
    for (const node of readiness.nodes) {
      const expected = node.findings.some((f) => f.severity === 'error') ? 'blocked' : node.findings.length > 0 ? 'attention' : 'ready';
      expect(node.state).toBe(expected);
      expect(node.cordoned).toBe(model.nodes.find((n) => n.name === node.node)?.unschedulable);
    }
    expect(readiness.nodes.map((n) => n.state)).toContain('blocked');
    expect(readiness.nodes.map((n) => n.state)).toContain('ready');
  });

  it('ties a workload\'s finding to the nodes of its pods, and a cordoned node\'s to the node', async () => {
    const { result, rules, model } = await demoScan();
    const readiness = drainReadiness(result.findings, rules, model);
    const cordoned = result.findings.find((f) => f.ruleId === 'node-cordoned')!;
    expect(readiness.nodes.find((n) => n.node === cordoned.object?.name)?.findings).toContain(cordoned);
    const downtime = result.findings.find((f) => f.ruleId === 'single-replica-downtime')!;
    const holders = readiness.nodes.filter((n) => n.findings.includes(downtime)).map((n) => n.node);
    expect(holders.length).toBeGreaterThan(0);
    const pods = model.pods.filter((p) => [p.controller, p.topController].some((c) => c?.name === downtime.object?.name));
    expect(holders).toEqual([...new Set(pods.map((p) => p.nodeName))]);
  });

  it('leaves suppressed findings and other rules out', async () => {
    const { result, rules, model } = await demoScan();
    const readiness = drainReadiness(result.findings, rules, model);
    const listed = [...readiness.nodes.flatMap((n) => n.findings), ...readiness.unplaced];
    expect(listed.every((f) => !f.suppressed && rules.find((r) => r.id === f.ruleId)?.category === 'drain')).toBe(true);
  });
});
