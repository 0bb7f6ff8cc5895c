// Regenerates the README's rule table from the rules' metadata (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { rules } from '../build/rules/index.js';
import { withRuleTable } from '../build/src/report/rule-table.js';

const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', withRuleTable(readme, rules));
