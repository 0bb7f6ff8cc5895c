import type { Finding, RuleMeta, RunResult } from '../engine/types.js';
import { objectLabel } from './describe.js';
import { repoPath } from './repo-path.js';
import type { ReportContext } from './types.js';
import { xmlAttributes, xmlText } from './escape-xml.js';

interface TestCase {
  name: string;
  classname: string;
  file?: string;
  failures: Finding[];
  suppressed: Finding[];
  skipped?: string;
  errors?: string[];
}

/** What a test case is about: the object, else the file position, else the cluster. */
function subjectName(finding: Finding): string {
  const where = finding.cluster !== null ? ` (cluster ${finding.cluster})` : '';
  if (finding.object) return `${objectLabel(finding.object)}${where}`;
  if (finding.location) return `${finding.location.file}:${finding.location.line}:${finding.location.column}`;
  return finding.cluster !== null ? `cluster ${finding.cluster}` : '(no object)';
}

/** JUnit has no timezone in its timestamps; kcheck's are UTC. */
const junitTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, '');

function failureBody(finding: Finding, context: ReportContext): string {
  const lines = [finding.message];
  if (finding.location) {
    lines.push('', `at ${repoPath(finding.location.file, context.cwd)}:${finding.location.line}:${finding.location.column}`);
  }
  lines.push('', `How to fix: ${finding.remediation}`, finding.docsUrl);
  return lines.join('\n');
}

/**
 * Whether the rule has a place in the report: it was skipped (with a reason),
 * or it ran: the configuration leaves it on, and it does not need an upgrade
 * target the scan does not have.
 */
function ruleRan(rule: RuleMeta<unknown>, result: RunResult, context: ReportContext): boolean {
  if (result.skippedRules.some((s) => s.ruleId === rule.id)) return true;
  if (context.enabledRules && !context.enabledRules.includes(rule.id)) return false;
  return !(rule.needsTarget && result.target === null);
}

function ruleCases(rule: RuleMeta<unknown>, result: RunResult, context: ReportContext): TestCase[] {
  const classname = `kcheck.${rule.id}`;
  const skip = result.skippedRules.find((s) => s.ruleId === rule.id);
  if (skip) return [{ name: rule.id, classname, failures: [], suppressed: [], skipped: skip.reason }];
  const cases = new Map<string, TestCase>();
  for (const finding of result.findings.filter((f) => f.ruleId === rule.id)) {
    const name = subjectName(finding);
    const testCase = cases.get(name) ?? {
      name,
      classname,
      ...(finding.location ? { file: repoPath(finding.location.file, context.cwd) } : {}),
      failures: [],
      suppressed: [],
    };
    (finding.suppressed ? testCase.suppressed : testCase.failures).push(finding);
    cases.set(name, testCase);
  }
  if (cases.size === 0) return [{ name: `${rule.id}: no findings`, classname, failures: [], suppressed: [] }];
  return [...cases.values()];
}

function caseXml(testCase: TestCase, context: ReportContext): string {
  const open = `    <testcase${xmlAttributes({ name: testCase.name, classname: testCase.classname, file: testCase.file, time: '0' })}`;
  const children: string[] = [];
  for (const error of testCase.errors ?? []) children.push(`      <error${xmlAttributes({ message: error, type: 'incomplete' })}/>`);
  for (const finding of testCase.failures) {
    const attributes = xmlAttributes({ message: finding.message.split('\n')[0], type: finding.severity });
    children.push(`      <failure${attributes}>${xmlText(failureBody(finding, context))}</failure>`);
  }
  if (testCase.failures.length === 0 && testCase.errors === undefined) {
    const reason = testCase.skipped ?? testCase.suppressed[0]?.suppressed?.reason;
    if (reason !== undefined) {
      const message = testCase.skipped !== undefined ? `skipped: ${reason}` : `suppressed: ${reason}`;
      children.push(`      <skipped${xmlAttributes({ message })}/>`);
    }
  }
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}

interface Suite {
  name: string;
  cases: TestCase[];
}

function counts(cases: TestCase[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failures.length > 0).length,
    errors: cases.filter((c) => c.errors !== undefined && c.errors.length > 0).length,
    skipped: cases.filter((c) => c.failures.length === 0 && c.errors === undefined && (c.skipped !== undefined || c.suppressed.length > 0)).length,
  };
}

/**
 * `--format junit`: one test suite per rule and one test case per rule and
 * object, failing with the findings about it; suppressed findings and skipped
 * rules are skipped cases; a `kcheck` suite says whether the scan read
 * everything. For GitLab, Jenkins and other CI systems that read JUnit XML.
 */
export function formatJunit(result: RunResult, context: ReportContext): string {
  const timestamp = junitTime(result.capturedAt);
  const scanCase: TestCase = {
    name: 'the scan read every input',
    classname: 'kcheck.scan',
    failures: [],
    suppressed: [],
    ...(result.gaps.length > 0 ? { errors: result.gaps.map((g) => `${g.what}: ${g.reason}`) } : {}),
  };
  const suites: Suite[] = [{ name: 'kcheck', cases: [scanCase] }];
  for (const rule of context.rules) {
    if (ruleRan(rule, result, context)) suites.push({ name: rule.id, cases: ruleCases(rule, result, context) });
  }
  const total = counts(suites.flatMap((s) => s.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({ name: 'kcheck', tests: total.tests, failures: total.failures, errors: total.errors, time: '0' })}>`,
  ];
  for (const suite of suites) {
    const c = counts(suite.cases);
    const attributes = xmlAttributes({ name: suite.name, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: '0', timestamp });
    lines.push(`  <testsuite${attributes}>`, ...suite.cases.map((testCase) => caseXml(testCase, context)), '  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
