import type { Command } from 'commander';
import { rules } from '../../../rules/index.js';
import { UsageError } from '../../engine/errors.js';
import { docsUrl } from '../../engine/docs-url.js';
import { readRuleDoc } from '../../sources/package-files.js';
import { ruleTableMarkdown } from '../../report/rule-table.js';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list every rule with its default severity')
    .option('--format <format>', 'text, json or markdown', 'text')
    .action((flags: { format: string }) => {
      if (flags.format === 'markdown') {
        process.stdout.write(ruleTableMarkdown(rules));
        return;
      }
      if (flags.format === 'json') {
        const list = rules.map((r) => ({ id: r.id, category: r.category, severity: r.severity, description: r.description, docsUrl: docsUrl(r.id) }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rules.map((r) => r.id.length));
      for (const r of rules) process.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.description}\n`);
    });
  program
    .command('explain')
    .description('show a rule\'s documentation: why it matters, examples, how to fix')
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = rules.find((r) => r.id === id);
      if (!rule) {
        const near = rules.filter((r) => r.id.includes(id) || id.includes(r.id.split('-')[0] ?? '')).map((r) => r.id);
        throw new UsageError(`no rule "${id}"${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ''} (kcheck rules lists them)`);
      }
      // The docs' `<!-- example: ... -->` comments tie examples to the fixtures the tests run; a reader needs none of them.
      const doc = readRuleDoc(id)?.replace(/<!--[\s\S]*?-->\n?/g, '');
      process.stdout.write(doc ?? `${rule.id}: ${rule.description}\n\n${rule.remediation}\n`);
    });
}
