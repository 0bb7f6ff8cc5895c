import type { Finding, RuleMeta, RunResult, Severity } from '../engine/types.js';
import { formatVersion, minorDistance, minorOf, type Version } from '../model/version.js';
import type { PlanStep, UpgradePlan } from '../plan/plan.js';
import { plural } from './describe.js';
import { drainVerdict } from './drain.js';
import { takenText, type BackupsView } from '../views/backups.js';
import type { NodeDrainReadiness } from '../views/drain-readiness.js';
import { HTML_ERROR_HOOK, HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { findingPlace, findingsByImportance } from './importance.js';
import { repoPath } from './repo-path.js';
import type { SkewGroup, SkewPicture, SkewRow } from '../views/skew-picture.js';
import type { ReportContext } from './types.js';

import { escapeHtml } from './escape-html.js';
import { groupBy } from '../model/cluster-index.js';

export { escapeHtml };

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

function header(result: RunResult, context: ReportContext): string {
  const { error, warning, info, suppressed } = result.summary;
  const title = result.cluster !== null ? `cluster ${escapeHtml(result.cluster)}` : 'scan';
  const meta = [
    `captured ${escapeHtml(result.capturedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'))}`,
    result.target !== null ? `upgrade target <b>${escapeHtml(result.target)}</b>` : 'no upgrade target',
    `${plural(result.scanned.length, 'input')} read`,
  ];
  const chips =
    error + warning + info === 0
      ? ['<span class="chip ok">no problems</span>']
      : [
          `<span class="chip error">${plural(error, 'error')}</span>`,
          `<span class="chip warning">${plural(warning, 'warning')}</span>`,
          `<span class="chip info">${info} info</span>`,
        ];
  if (suppressed > 0) chips.push(`<span class="chip muted">${suppressed} suppressed</span>`);
  if (result.skippedRules.length > 0) chips.push(`<span class="chip muted">${plural(result.skippedRules.length, 'rule')} skipped</span>`);
  return `<header>
<h1>kcheck: ${title}</h1>
<div class="meta">${meta.join(' · ')} · kcheck ${escapeHtml(context.toolVersion)}</div>
<div class="chips">${chips.join('')}</div>
</header>`;
}

function gaps(result: RunResult): string {
  if (result.gaps.length === 0) return '';
  const items = result.gaps.map((g) => `<li>${escapeHtml(g.what)}: ${escapeHtml(g.reason)}</li>`).join('');
  return `<div class="alert"><b>The scan is incomplete</b>; what could not be read was not checked:<ul class="plain">${items}</ul></div>`;
}

const percent = (value: number): string => `${(value * 100).toFixed(3)}%`;

function band(picture: SkewPicture, min: Version, max: Version, className: string): string {
  const first = picture.minors[0]!;
  const columns = picture.minors.length;
  const from = Math.max(0, minorDistance(min, first));
  const to = Math.min(columns - 1, minorDistance(max, first));
  if (to < from) return '';
  return `<div class="band ${className}" style="left:${percent(from / columns)};width:${percent((to - from + 1) / columns)}"></div>`;
}

function skewRow(picture: SkewPicture, row: SkewRow): string {
  const first = picture.minors[0]!;
  const columns = picture.minors.length;
  const parts: string[] = [];
  if (row.allowed) {
    parts.push(
      minorDistance(row.allowed.max, row.allowed.min) < 0
        ? '<div class="band none" style="left:0;width:100%" title="no minor is allowed: the kube-apiservers are too far apart"></div>'
        : band(picture, row.allowed.min, row.allowed.max, 'now'),
    );
  }
  if (row.allowedAtTarget) parts.push(band(picture, row.allowedAtTarget.min, row.allowedAtTarget.max, 'then'));
  const version = row.version;
  if (version) {
    const position = (minorDistance(version, first) + 0.5) / columns;
    const state = row.ok === false ? 'bad' : row.ok === null ? 'unknown' : 'ok';
    parts.push(`<div class="marker ${state}" style="left:${percent(position)}"><span>${escapeHtml(version.raw.replace(/^.*:/, ''))}</span></div>`);
  } else {
    parts.push(`<div class="marker unknown" style="left:${percent(1 - 0.5 / columns)};transform:translate(-100%,-50%)"><span>version unknown</span></div>`);
  }
  const title = row.version ? row.raw : `cannot tell the version from ${row.raw || 'nothing'}`;
  return `<div class="label" title="${escapeHtml(title)}"><b>${escapeHtml(row.component)}</b> ${escapeHtml(row.label)}</div>` +
    `<div class="track" style="--col:${percent(1 / columns)}">${parts.join('')}</div>`;
}

function skewSection(picture: SkewPicture): string {
  if (picture.rows.length === 0 || picture.minors.length === 0) {
    return `<section id="skew"><h2>Version skew</h2><p class="meta">No component versions were found in the inputs.</p></section>`;
  }
  const columns = picture.minors.length;
  const axis = picture.minors
    .map((m) => {
      const isTarget = picture.target !== null && minorDistance(m, picture.target) === 0;
      return `<span${isTarget ? ' class="target" title="upgrade target"' : ''}>${minorOf(m)}${isTarget ? ' ◆' : ''}</span>`;
    })
    .join('');
  const groups: SkewGroup[] = ['kube-apiserver', 'control plane', 'kubectl', 'nodes'];
  const body = groups
    .map((group) => {
      const rows = picture.rows.filter((r) => r.group === group);
      if (rows.length === 0) return '';
      return `<div class="group">${escapeHtml(group)}</div>${rows.map((r) => skewRow(picture, r)).join('')}`;
    })
    .join('');
  const api = picture.apiserver
    ? `kube-apiserver ${picture.apiserver.oldest.raw === picture.apiserver.newest.raw ? minorOf(picture.apiserver.oldest) : `${minorOf(picture.apiserver.oldest)} to ${minorOf(picture.apiserver.newest)}`}`
    : 'no kube-apiserver version known: allowed windows cannot be drawn';
  const legend = [
    '<span><i class="now"></i>allowed now</span>',
    picture.target !== null ? `<span><i class="then"></i>allowed with a ${minorOf(picture.target)} control plane</span>` : '',
    '<span><i class="dot-ok"></i>inside</span>',
    '<span><i class="dot-bad"></i>outside the skew policy</span>',
    `<span>${escapeHtml(api)}</span>`,
  ].join('');
  return `<section id="skew">
<h2>Version skew</h2>
<div class="legend">${legend}</div>
<div class="skew"><div></div><div class="axis" style="grid-template-columns:repeat(${columns},1fr)">${axis}</div>${body}</div>
</section>`;
}

function worstOf(findings: Finding[]): Severity | null {
  for (const severity of SEVERITIES) if (findings.some((f) => f.severity === severity)) return severity;
  return null;
}

/** A node's drain findings grouped by rule: what blocks, and on which objects (the messages on hover). */
function nodeCard(node: NodeDrainReadiness): string {
  const stateText = { blocked: 'drain blocked', attention: 'drain needs care', ready: 'ready to drain' }[node.state];
  const tags = [node.controlPlane ? '<span class="tag">control plane</span>' : '', node.cordoned ? '<span class="tag">cordoned</span>' : ''].join('');
  const byRule = groupBy(node.findings, (f) => f.ruleId);
  const items = [...byRule]
    .map(([ruleId, list]) => {
      const severity = worstOf(list) ?? 'info';
      const names = list.map((f) => (f.object ? f.object.name : f.ruleId));
      const shown = names.slice(0, 2).map(escapeHtml).join(', ') + (names.length > 2 ? ` +${names.length - 2} more` : '');
      const title = list.map((f) => f.message).join('\n\n');
      return `<li title="${escapeHtml(title)}"><span class="sev ${severity}">${escapeHtml(ruleId)}</span>${list.length > 1 ? ` ×${list.length}` : ''}: ${shown}</li>`;
    })
    .join('');
  const counts = SEVERITIES.map((sev) => ({ sev, n: node.findings.filter((f) => f.severity === sev).length }))
    .filter(({ n }) => n > 0)
    .map(({ sev, n }) => (sev === 'info' ? `${n} info` : plural(n, sev)))
    .join(', ');
  return `<div class="node ${node.state}"><h3>${escapeHtml(node.node)}${tags}</h3><div class="state">${stateText}${counts ? `: ${counts}` : ''}</div>${items ? `<ul>${items}</ul>` : ''}</div>`;
}

function drainSection(context: ReportContext): string {
  const readiness = context.drainReadiness;
  if (!readiness || readiness.nodes.length === 0) {
    return '<section id="drain"><h2>Drain readiness</h2><p class="meta">No nodes were found in the inputs.</p></section>';
  }
  const unplaced = readiness.unplaced.length
    ? `<p>Not tied to one node:</p><ul class="plain">${readiness.unplaced.map((f) => `<li><span class="sev ${f.severity}">${f.severity}</span> ${escapeHtml(f.message)}</li>`).join('')}</ul>`
    : '';
  return `<section id="drain"><h2>Drain readiness</h2><div class="nodes">${readiness.nodes.map(nodeCard).join('')}</div>${unplaced}</section>`;
}

/** Backup findings: etcd's version, snapshots and data dir (the `etcd` category and every `etcd-` rule), resource dumps and Velero (the `backups` category). */
function isEtcdFinding(finding: Finding, rules: Map<string, RuleMeta<unknown>>): boolean {
  const category = rules.get(finding.ruleId)?.category;
  return category === 'etcd' || category === 'backups' || finding.ruleId.startsWith('etcd-');
}

function backupSection(result: RunResult, context: ReportContext): string {
  const rules = new Map(context.rules.map((r) => [r.id, r]));
  const findings = findingsByImportance(result.findings, context.rules).filter((f) => isEtcdFinding(f, rules));
  const state = findings.some((f) => f.severity === 'error')
    ? '<span class="chip error">needs action before the upgrade</span>'
    : findings.length > 0
      ? '<span class="chip warning">look before the upgrade</span>'
      : '<span class="chip ok">no etcd or backup findings</span>';
  const items = findings
    .map((f) => `<li><span class="sev ${f.severity}">${f.severity}</span> ${escapeHtml(f.message)} <span class="tag">${escapeHtml(findingPlace(relativeFinding(f, context)))}</span></li>`)
    .join('');
  const table = context.backups ? backupTable(context.backups, context) : '';
  return `<section id="backups"><h2>etcd and backups</h2><div class="chips">${state}</div>${table}${items ? `<ul class="plain">${items}</ul>` : ''}</section>`;
}

/**
 * One row per backup read: kind, file or object, when taken, age and the
 * backup rules' verdict with their messages. Written without a `<tbody>` tag
 * (the parser adds it): in the file, `<tbody>` marks the findings table.
 */
function backupTable(view: BackupsView, context: ReportContext): string {
  if (view.rows.length === 0) return '';
  const rows = view.rows.map((row) => {
    if ('none' in row) return `<tr><td>${escapeHtml(row.kind)}</td><td colspan="3" class="meta">${escapeHtml(row.none)}</td></tr>`;
    const name = row.file ? repoPath(row.name, context.cwd) : row.name;
    const messages = row.findings
      .map((f) => `<li><span class="sev ${f.severity}">${f.severity}</span> ${escapeHtml(f.message)} <span class="tag">${escapeHtml(f.ruleId)}</span></li>`)
      .join('');
    const verdict = row.verdict === 'ok' ? '<span class="chip ok">ok</span>' : `<span class="sev ${row.verdict}">${row.verdict}</span>`;
    return `<tr data-verdict="${row.verdict}"><td>${escapeHtml(row.kind)}</td><td class="where">${escapeHtml(name)}</td>` +
      `<td title="${escapeHtml(takenText(row))}">${escapeHtml(row.age)}</td><td style="overflow-wrap:anywhere">${verdict}${messages ? `<ul class="plain">${messages}</ul>` : ''}</td></tr>`;
  });
  // Fixed column widths, so a long message (a hash, a path) wraps inside the panel instead of widening it.
  const columns = ['16%', '28%', '12%', '44%'].map((w) => `<col style="width:${w}">`).join('');
  return `<table class="backups" style="table-layout:fixed"><colgroup>${columns}</colgroup><thead><tr><th>kind</th><th>backup</th><th>age</th><th>verdict</th></tr></thead>\n${rows.join('\n')}\n</table>`;
}

function relativeFinding(finding: Finding, context: ReportContext): Finding {
  return finding.location ? { ...finding, location: { ...finding.location, file: repoPath(finding.location.file, context.cwd) } } : finding;
}

function planStep(step: PlanStep): string {
  const worst = worstOf(step.findings);
  const counts = SEVERITIES.map((s) => ({ s, n: step.findings.filter((f) => f.severity === s).length }))
    .filter(({ n }) => n > 0)
    .map(({ s, n }) => `<span class="sev ${s}">${s === 'info' ? `${n} info` : plural(n, s)}</span>`)
    .join(', ');
  const findings = step.findings
    .map((f) => `<li><span class="sev ${f.severity}">${f.severity}</span> ${escapeHtml(f.message)} <span class="tag">${escapeHtml(f.ruleId)}</span></li>`)
    .join('');
  const drain = step.drain ? `<div class="meta">drain: ${escapeHtml(drainVerdict(step.drain))}</div>` : '';
  const resolved = step.resolved.length > 0 ? `<div class="meta">clears ${plural(step.resolved.length, 'finding')}</div>` : '';
  const details = findings ? `<details><summary>what this step triggers</summary><ul class="plain">${findings}</ul></details>` : '';
  return `<li class="${worst === 'error' ? 'blocked' : ''}"><b>${step.number}. ${escapeHtml(step.title)}</b>` +
    `${counts ? ` — ${counts}` : ''}${drain}${resolved}${details}</li>`;
}

/** The plan as a timeline: one column per round (catch-up or minor), its steps in order. */
function planSection(plan: UpgradePlan | undefined, notMade?: string): string {
  if (notMade !== undefined) return `<section id="plan">\n<h2>Upgrade plan</h2>\n<p>No upgrade plan: ${escapeHtml(notMade)}.</p>\n</section>`;
  if (!plan) return '';
  const rounds = groupBy(plan.steps, (step) => {
    const round = plan.rounds.find((r) => r.minor === step.minor);
    return step.kind === 'preflight' ? 'before the upgrade' : round?.catchUp ? `catch-up: kubelets to ${step.minor}` : `to ${step.minor}`;
  });
  const columns = [...rounds]
    .map(([name, steps]) => `<div class="round"><h3>${escapeHtml(name)}</h3><ol class="steps">${steps.map(planStep).join('')}</ol></div>`)
    .join('');
  const notes = plan.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<section id="plan">
<h2>Upgrade plan: ${escapeHtml(formatVersion(plan.from))} → ${escapeHtml(minorOf(plan.to))}</h2>
<div class="meta">control plane: ${escapeHtml(plan.controlPlaneNodes.join(', ') || 'unknown')} · workers: ${escapeHtml(plan.workers.join(', ') || 'none')}</div>
<div class="timeline">${columns}</div>
${notes ? `<ul class="plain meta">${notes}</ul>` : ''}
</section>`;
}

function findingsSection(result: RunResult, context: ReportContext): string {
  const ordered = [
    ...findingsByImportance(result.findings, context.rules),
    ...result.findings.filter((f) => f.suppressed),
  ];
  const rules = [...new Set(ordered.map((f) => f.ruleId))].sort();
  const rows = ordered
    .map((f) => {
      const suppressed = f.suppressed ? ` <span class="tag">suppressed: ${escapeHtml(f.suppressed.reason || 'no reason given')}</span>` : '';
      return `<tr data-severity="${f.severity}" data-rule="${escapeHtml(f.ruleId)}" data-suppressed="${f.suppressed ? 'true' : 'false'}"${f.suppressed ? ' class="suppressed"' : ''}>` +
        `<td class="sev ${f.severity}">${f.severity}</td>` +
        `<td class="rule"><a href="${escapeHtml(f.docsUrl)}">${escapeHtml(f.ruleId)}</a></td>` +
        `<td class="where">${escapeHtml(findingPlace(relativeFinding(f, context)))}</td>` +
        `<td><div class="message">${escapeHtml(f.message)}${suppressed}</div><div class="fix">${escapeHtml(f.remediation)}</div></td></tr>`;
    })
    .join('\n');
  const severityBoxes = SEVERITIES.map(
    (s) => `<label class="sev ${s}"><input type="checkbox" name="severity" value="${s}" checked> ${s}</label>`,
  ).join('');
  const ruleOptions = rules.map((id) => `<option value="${escapeHtml(id)}">${escapeHtml(id)}</option>`).join('');
  return `<section id="findings">
<h2>Findings <span class="meta" id="shown"></span></h2>
<div class="filters">${severityBoxes}
<select id="filter-rule" aria-label="rule"><option value="">every rule</option>${ruleOptions}</select>
<input id="filter-text" type="search" placeholder="filter by text: node, namespace, file…" aria-label="text">
<label><input type="checkbox" id="filter-suppressed"> show suppressed</label></div>
<table><thead><tr><th>severity</th><th>rule</th><th>where</th><th>message and fix</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

/**
 * `--format html`: one self-contained page (inline style and script, nothing
 * loaded from the network) an operator reads before a maintenance window: the
 * version-skew picture, drain readiness per node, etcd backups, every
 * finding with filters, and the upgrade plan as a timeline. Draws the views the
 * context carries (skew picture, drain readiness, plan) when given.
 */
export function formatHtml(result: RunResult, context: ReportContext): string {
  const picture = context.skew ?? null;
  const title = `kcheck report${result.cluster !== null ? `: ${result.cluster}` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<script>${HTML_ERROR_HOOK}</script>
<style>${HTML_STYLE}</style>
</head>
<body>
${header(result, context)}
<main>
${gaps(result)}
${picture ? skewSection(picture) : ''}
<div class="columns">
${drainSection(context)}
${backupSection(result, context)}
</div>
${findingsSection(result, context)}
${planSection(context.plan, context.planNotMade)}
</main>
<footer>Generated by kcheck ${escapeHtml(context.toolVersion)} from ${plural(result.scanned.length, 'input')}. Rule documentation links open the kcheck repository.</footer>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}
