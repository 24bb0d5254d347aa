import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasePathBucketAssigner, FileSink, SimpleStringEncoder } from '@flott/connector-files';
import { createJobGraph, setExecutionContext } from '@flott/runtime/internal';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flott-sink-to-'));
});
afterEach(() => {
  setExecutionContext(undefined);
  rmSync(dir, { recursive: true, force: true });
});

const fileSink = () => FileSink.forRowFormat(dir, new SimpleStringEncoder<string>()).withBucketAssigner(new BasePathBucketAssigner()).build();

describe('sinkTo(sink)', () => {
  it('builds Flink\'s sink topology: "<name>: Writer" chained to "<name>: Committer", the committer not keyed, settings on both', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(4);
    env.fromElements('a', 'b').keyBy((s) => s).sinkTo(fileSink()).name('files').uid('files-sink').setParallelism(2);
    const graph = env.getStreamGraph();
    const [, writer, committer] = [...graph.nodes.values()];
    expect([writer.name, writer.kind, writer.uid, writer.parallelism, writer.stateKeySelector !== undefined]).toEqual(['files: Writer', 'SinkWriter', 'files-sink', 2, true]);
    expect([committer.name, committer.kind, committer.uid, committer.parallelism, committer.stateKeySelector]).toEqual(['files: Committer', 'SinkCommitter', 'Sink Committer: files-sink', 2, undefined]);
    expect(writer.outEdges.map((e) => `${e.targetId}:${e.partitioner.kind}`)).toEqual([`${committer.id}:forward`]);
    const vertices = createJobGraph(graph).vertices;
    expect(vertices.map((v) => v.operators.map((o) => o.name))).toEqual([['Source: Collection Source'], ['files: Writer', 'files: Committer']]);
  });

  it('unnamed: "Sink: Writer" and "Sink: Committer"', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const sink = env.fromElements('a').sinkTo(fileSink());
    expect(sink.getName()).toBe('Sink');
    expect([...env.getStreamGraph().nodes.values()].map((n) => n.name).slice(1)).toEqual(['Sink: Writer', 'Sink: Committer']);
  });

  it('still takes a SinkFunction (by shape), as addSink', async () => {
    setExecutionContext(new LocalTestContext());
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
    const seen: string[] = [];
    env.fromElements('x', 'y').sinkTo({ invoke: (v: string) => void seen.push(v) });
    await env.execute();
    expect(seen).toEqual(['x', 'y']);
  });

  it('a bounded job without checkpointing commits everything at the end of input (Flink\'s batch behaviour)', async () => {
    setExecutionContext(new LocalTestContext());
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    env.fromSequence(1, 100).map((n) => `line ${n}`).sinkTo(fileSink());
    await env.execute();
    const files = readdirSync(dir);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    expect(files).toHaveLength(2);
    const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    expect(lines.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).sort());
  });
});
