import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiLifecycles, lifecycleOf, type ApiLifecycle } from '../../src/facts/api-table.js';
import { newestKnownRelease } from '../../src/facts/releases.js';
import { migrationAt } from '../../rules/shared/api-uses.js';
import { scan } from '../../src/cli/pipeline.js';
import { addMinors, compareMinor, minorOf, parseMinor } from '../../src/model/version.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';

/**
 * A fixture per table row, written from the table: every removal fires on an
 * object using the removed version and is quiet on its replacement.
 */
const dir = mkdtempSync(join(tmpdir(), 'kcheck-apis-'));
let count = 0;

function manifest(apiVersion: string, kind: string): string {
  const file = join(dir, `${(count += 1)}.yaml`);
  writeFileSync(file, `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: sample\n  namespace: default\n`);
  return file;
}

async function findings(file: string, target: string): Promise<{ removed: string[]; deprecated: string[] }> {
  const result = await scan({ paths: [file], target, now: FIXTURE_NOW, config: '/dev/null' });
  const of = (id: string): string[] => result.result.findings.filter((f) => f.ruleId === id).map((f) => f.message);
  return { removed: of('removed-api'), deprecated: of('deprecated-api') };
}

const label = (l: ApiLifecycle): string => `${l.apiVersion} ${l.kind}`;
const removals = apiLifecycles.filter((l) => l.removedIn);
const newest = parseMinor(newestKnownRelease.minor)!;

describe('every removal in rules/data/api-versions.yaml', () => {
  it.each(removals.map((l) => [label(l), l] as const))('%s fires when removed and is quiet on its replacement', async (_name, lifecycle) => {
    const removedIn = lifecycle.removedIn!;
    const file = manifest(lifecycle.apiVersion, lifecycle.kind);

    const at = await findings(file, minorOf(removedIn));
    expect(at.removed).toHaveLength(1);
    expect(at.deprecated).toEqual([]);
    expect(at.removed[0]).toContain(`uses ${lifecycle.apiVersion}, removed in ${minorOf(removedIn)}`);
    const migration = migrationAt(lifecycle, removedIn);
    expect(at.removed[0]).toContain(migration.to ? `use ${migration.to.apiVersion}` : 'it has no replacement API');

    const earlier = addMinors(removedIn, -1);
    const before = await findings(file, minorOf(earlier));
    expect(before.removed).toEqual([]);
    const deprecatedThen = lifecycle.deprecatedIn !== null && compareMinor(lifecycle.deprecatedIn, earlier) <= 0;
    expect(before.deprecated).toHaveLength(deprecatedThen ? 1 : 0);
    if (deprecatedThen) expect(before.deprecated[0]).toContain(`removed in ${minorOf(removedIn)}`);

    if (migration.to) {
      const replaced = await findings(manifest(migration.to.apiVersion, migration.to.kind), minorOf(removedIn));
      expect(replaced.removed).toEqual([]);
    }
    const latest = compareMinor(removedIn, newest) > 0 ? removedIn : newest;
    const final = migrationAt(lifecycle, latest).to;
    if (final) {
      const now = await findings(manifest(final.apiVersion, final.kind), minorOf(latest));
      expect(now.removed).toEqual([]);
      if (!lifecycleOf(final.apiVersion, final.kind)) expect(now.deprecated).toEqual([]);
    }
  });

  it.each(apiLifecycles.filter((l) => !l.removedIn).map((l) => [label(l), l] as const))(
    '%s (deprecated, never removed) warns from its deprecation on',
    async (_name, lifecycle) => {
      const file = manifest(lifecycle.apiVersion, lifecycle.kind);
      const at = await findings(file, minorOf(lifecycle.deprecatedIn!));
      expect(at.removed).toEqual([]);
      expect(at.deprecated).toHaveLength(1);
      expect(at.deprecated[0]).toContain('no removal scheduled');
      expect((await findings(file, minorOf(addMinors(lifecycle.deprecatedIn!, -1)))).deprecated).toEqual([]);
    },
  );
});
