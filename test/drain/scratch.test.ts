import { it } from 'vitest';
import { scan } from '../../src/cli/pipeline.js';
import { fixtureRequest } from '../helpers/fixture-args.js';
import { simulateDrain, NO_FLAGS } from '../../src/simulate/drain.js';

it('scratch', async () => {
  for (const f of ['os-upgrade', 'pdb-min-available', 'emptydir-daemonset', 'too-full']) {
    const s = await scan(fixtureRequest(`fixtures/labs/${f}.yaml`));
    console.log('=====', f, s.exitCode, s.result.skippedRules);
    for (const x of s.result.findings) console.log(x.severity, x.ruleId, x.message);
    const p = simulateDrain(s.model, 'node01', NO_FLAGS);
    console.log(p.outcome, p.command, p.blockedBy, p.safeAlternative, p.notes);
    for (const fate of p.fates) console.log(fate.pod.name, fate.action, fate.reason, JSON.stringify(fate.destination));
    console.log(p.kubectlOutput.join('\n'));
  }
});
