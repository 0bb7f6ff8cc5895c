// Bundles the GitHub Action's entry point into dist/index.js, which action.yml
// runs on node24. The rules' data, docs and the demo are read from the
// repository checkout next to dist/ (GITHUB_ACTION_PATH), as from an install.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** One set of options, used here and by the test that fails when dist/ is stale. */
export const bundleOptions = {
  absWorkingDir: root,
  entryPoints: ['src/action/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // CommonJS dependencies call require() for Node's built-in modules.
  banner: { js: "import { createRequire as kcheckCreateRequire } from 'node:module';\nconst require = kcheckCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
};

// `--outfile FILE` writes elsewhere: the staleness test compares that with dist/.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outfile');
  await build(at === -1 ? bundleOptions : { ...bundleOptions, outfile: path.resolve(process.argv[at + 1]) });
}
