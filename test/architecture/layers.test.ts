import { describe, expect, it } from 'vitest';
import { FLOORS, MODEL_ONLY, floorOf, importCycles, importEdges } from './import-graph.js';

const { files, edges } = importEdges();

describe('the folder tree is the pipeline', () => {
  it('puts every product file on a floor', () => {
    expect(files.filter((f) => floorOf(f) === null)).toEqual([]);
  });

  it('has no import from a floor to one above it', () => {
    const upward = edges
      .filter((e) => FLOORS.indexOf(floorOf(e.to)!) > FLOORS.indexOf(floorOf(e.from)!))
      .map((e) => `${e.from} (${floorOf(e.from)}) imports ${e.to} (${floorOf(e.to)})`);
    expect(upward).toEqual([]);
  });

  it('keeps source shapes out of the floors that judge', () => {
    const leaks = edges
      .filter((e) => MODEL_ONLY.includes(floorOf(e.from)!) && floorOf(e.to) === 'sources')
      .map((e) => `${e.from} imports ${e.to}`);
    expect(leaks).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(importCycles(files, edges)).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    const made = [
      { from: 'src/model/a.ts', to: 'src/model/b.ts' },
      { from: 'src/model/b.ts', to: 'src/model/a.ts' },
      { from: 'src/model/b.ts', to: 'src/report/c.ts' },
    ];
    expect(importCycles(['src/model/a.ts', 'src/model/b.ts', 'src/report/c.ts'], made)).toEqual([['src/model/a.ts', 'src/model/b.ts']]);
    expect(made.filter((e) => FLOORS.indexOf(floorOf(e.to)!) > FLOORS.indexOf(floorOf(e.from)!))).toHaveLength(1);
  });
});
