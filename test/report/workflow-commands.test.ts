import { describe, expect, it } from 'vitest';
import { annotationCommand } from '../../src/report/github.js';
import { parseV1, parseV2, workflowCommands } from './workflow-commands.js';

describe('the runner\'s reading of workflow commands (test helper)', () => {
  it('finds a command after the blanks TrimStart removes, in any case, and unescapes it', () => {
    const [command] = workflowCommands(' \t\u00a0::ERROR file=a%2Cb%3Ac.yaml,line=3,title=t%25::one%0Atwo%3A');
    expect(command).toMatchObject({ form: 'v2', name: 'ERROR', properties: { file: 'a,b:c.yaml', line: '3', title: 't%' }, data: 'one\ntwo%3A' });
  });

  it('splits lines at CR as well as LF, and finds the old form anywhere in a line', () => {
    const commands = workflowCommands('kcheck: a\r::add-mask::hunter2\nsaid ##[set-output name=ok;]tr%5Due');
    expect(commands.map((c) => [c.form, c.name, c.data])).toEqual([
      ['v2', 'add-mask', 'hunter2'],
      ['v1', 'set-output', 'tr]ue'],
    ]);
    expect(commands[1]!.properties).toEqual({ name: 'ok' });
  });

  it('ignores what is not a registered command, or has no end to its head', () => {
    expect(parseV2('::made-up::x')).toBeNull();
    expect(parseV2('::add-mask hunter2')).toBeNull();
    expect(parseV2('x ::add-mask::hunter2')).toBeNull();
    expect(parseV1('##[add-mask hunter2')).toBeNull();
    expect(parseV1('#\\x23[add-mask]x')).toBeNull();
  });

  it('reads back exactly what annotationCommand writes', () => {
    const annotation = { level: 'warning' as const, file: 'dir,a:b/%0A.yaml', line: 2, col: 5, title: 'kcheck x: y, z', message: 'a\r\nb %25 ::c' };
    const [command] = workflowCommands(annotationCommand(annotation));
    expect(command).toMatchObject({
      form: 'v2',
      name: 'warning',
      properties: { file: annotation.file, line: '2', col: '5', title: annotation.title },
      data: annotation.message,
      repeated: [],
    });
  });
});
