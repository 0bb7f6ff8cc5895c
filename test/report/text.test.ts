import { describe, expect, it } from 'vitest';
import { formatText } from '../../src/report/text.js';
import { context, fixtures, type FixtureName } from './fixtures.js';

const ESC = '\u001b[';

describe('text report', () => {
  for (const name of Object.keys(fixtures) as FixtureName[]) {
    it(`renders the ${name} result as the reviewed snapshot`, async () => {
      await expect(formatText(fixtures[name], context())).toMatchFileSnapshot(`__snapshots__/text/${name}.txt`);
    });
  }

  it('renders colour as the reviewed snapshot when colour is on', async () => {
    await expect(formatText(fixtures.mixed, context({ color: true }))).toMatchFileSnapshot('__snapshots__/text/mixed.ansi.txt');
  });
});
