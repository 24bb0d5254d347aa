import { OneInputOperatorTestHarness } from '../testing';
import { PrintSink, printPrefix } from './print-sink';

async function printed(values: unknown[], identifier: string, subtaskIndex: number, parallelism: number, target: 'stdout' | 'stderr' = 'stdout') {
  const h = new OneInputOperatorTestHarness(new PrintSink<unknown>(identifier, target), { subtaskIndex, parallelism });
  await h.run(values);
  return { stdout: h.stdout, stderr: h.stderr };
}

describe('PrintSink (Flink PrintSinkFunction format)', () => {
  it('parallelism 1 without identifier prints the bare value', async () => {
    expect((await printed(['a', 1], '', 0, 1)).stdout).toEqual(['a', '1']);
  });

  it('parallelism > 1 prefixes the 1-based subtask number', async () => {
    expect((await printed(['a'], '', 2, 4)).stdout).toEqual(['3> a']);
  });

  it('an identifier at parallelism 1 gives "identifier> "', async () => {
    expect((await printed(['a'], 'words', 0, 1)).stdout).toEqual(['words> a']);
  });

  it('an identifier at parallelism > 1 gives "identifier:subtask> "', async () => {
    expect((await printed(['a'], 'words', 0, 2)).stdout).toEqual(['words:1> a']);
  });

  it('formats strings as is, numbers and bigints with String, the rest as JSON with bigints as strings', async () => {
    const values = ['text', 1.5, 12n, true, null, { a: 1, b: [2n, 'x'] }, ['w', 3]];
    expect((await printed(values, '', 0, 1)).stdout).toEqual(['text', '1.5', '12', 'true', 'null', '{"a":1,"b":["2","x"]}', '["w",3]']);
  });

  it('printToErr writes to stderr', async () => {
    expect(await printed(['e'], 'err', 1, 2, 'stderr')).toEqual({ stdout: [], stderr: ['err:2> e'] });
  });

  it('printPrefix follows the same rules', () => {
    expect([printPrefix('', 0, 1), printPrefix('', 0, 2), printPrefix('x', 0, 1), printPrefix('x', 1, 2)]).toEqual(['', '1> ', 'x> ', 'x:2> ']);
  });
});
