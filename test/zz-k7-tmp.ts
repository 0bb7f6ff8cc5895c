import { scan } from '../src/cli/pipeline.js';
const target = process.argv[2];
const r = await scan({ paths: ['fixtures/apis/real-world'], now: '2026-11-20T00:00:00Z', config: '/dev/null', ...(target ? { target } : {}) });
for (const f of r.result.findings.filter((f) => f.ruleId.endsWith('-api'))) console.log(f.ruleId, f.location?.file, f.location?.line, f.message.slice(0, 110));
console.log(r.result.findings.filter((f) => !f.ruleId.endsWith('-api')).map((f) => f.ruleId));
