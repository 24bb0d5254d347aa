import { ExecutionGraph } from '../executiongraph';
import { createDeploymentDescriptor } from '../jobmaster/deployment-descriptor';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { testingJobGraph, testingJobSubmission } from '../testing/testing-job-submission';
import { ManualClock } from '../time/clock';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameEncoder, InboundFrameTooLargeError, type WireMessage } from './frame-codec';
import type { CheckpointAcknowledgement, JobSubmission } from './gateways';

const MAX = 1024 * 1024;

function frameOf(message: WireMessage, max = MAX): Buffer {
  const { frame } = new FrameEncoder().encode(message, max);
  if (!frame) throw new Error('frame too large');
  return frame;
}

/** What a request carrying `payload` decodes to on the other side. */
function roundTrip(payload: unknown): unknown {
  const [decoded] = new FrameDecoder(MAX).push(frameOf({ t: 'req', id: 1, ep: 'e', m: 'm', a: [payload] }));
  if (decoded.t !== 'req') throw new Error(`decoded a '${decoded.t}' message`);
  return decoded.a[0];
}

function deploymentWithRestore(): TaskDeploymentDescriptor {
  const jobGraph = testingJobGraph();
  const graph = new ExecutionGraph(jobGraph, { clock: new ManualClock() });
  const vertex = graph.getAllExecutionVertices()[1];
  const tdd = createDeploymentDescriptor(graph, vertex, testingJobSubmission(jobGraph), 'slot-1', { address: 'flott.tcp://jm:6123/jobmaster-1', jobMasterId: 'jm-1' });
  const operatorId = tdd.vertex.operators[0].operatorId;
  return {
    ...tdd,
    restore: {
      checkpointId: 7,
      operators: {
        [operatorId]: {
          keyed: [
            { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 63 }, handle: { kind: 'inline', data: new Uint8Array([1, 2, 3, 255]) }, changes: [] },
            { keyGroupRange: { startKeyGroup: 64, endKeyGroup: 127 }, handle: { kind: 'file', uri: 'file:///cp/chk-7/a', size: 4096 } },
          ],
          operator: [{ kind: 'inline', data: new Uint8Array([9]) }, undefined],
        },
      },
      inputChannels: { kind: 'inline', data: new Uint8Array(0) },
    },
  };
}

describe('FrameEncoder / FrameDecoder', () => {
  it('decodes frames whatever the chunking: one byte at a time, and several frames in one chunk', () => {
    const messages: WireMessage[] = [
      { t: 'req', id: 1, ep: 'dispatcher', m: 'listJobs', a: [] },
      { t: 'res', id: 1, v: [{ jobId: 'a', status: 'RUNNING' }] },
      { t: 'tell', ep: 'taskmanager-1', m: 'heartbeat', a: [42], ft: 'leader-1' },
    ];
    const bytes = Buffer.concat(messages.map((m) => frameOf(m)));
    const byteWise = new FrameDecoder(MAX);
    const out: WireMessage[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...byteWise.push(bytes.subarray(i, i + 1)));
    expect(out).toStrictEqual(messages);
    expect(new FrameDecoder(MAX).push(bytes)).toStrictEqual(messages);

    // A frame split across chunks of uneven sizes, with the next frame starting in the last one.
    const split = new FrameDecoder(MAX);
    expect(split.push(bytes.subarray(0, 2))).toEqual([]);
    expect(split.push(bytes.subarray(2, 9))).toEqual([]);
    const firstEnd = frameOf(messages[0]).length;
    expect(split.push(bytes.subarray(9, firstEnd + 3))).toStrictEqual([messages[0]]);
    expect(split.push(bytes.subarray(firstEnd + 3))).toStrictEqual(messages.slice(1));
  });

  it('writes a 4-byte big-endian payload length before the msgpack payload', () => {
    const frame = frameOf({ t: 'res', id: 3, v: 'x' });
    expect(frame.readUInt32BE(0)).toBe(frame.length - FRAME_HEADER_BYTES);
  });

  it('refuses to encode a payload over the bound, and rejects a length prefix over it before buffering the payload', () => {
    const big: WireMessage = { t: 'res', id: 1, v: new Uint8Array(2000) };
    const refused = new FrameEncoder().encode(big, 1000);
    expect(refused.frame).toBeUndefined();
    expect(refused.payloadBytes).toBeGreaterThan(2000);

    const decoder = new FrameDecoder(1000);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1001, 0);
    expect(() => decoder.push(header)).toThrow(InboundFrameTooLargeError);
    expect(() => new FrameDecoder(1000).push(header)).toThrow('Received an RPC frame of 1001 bytes, more than rpc.framesize (1000 bytes)');
    // Exactly at the bound is fine.
    const exact = frameOf({ t: 'res', id: 1, v: 'y'.repeat(10) });
    expect(new FrameDecoder(exact.length - FRAME_HEADER_BYTES).push(exact)).toHaveLength(1);
  });

  // Strict equality to the original, not to structuredClone(value): Jest's sandbox is another realm than
  // structuredClone's. For the same reason typed arrays other than Uint8Array are checked in a plain
  // Node process (tcp-rpc-service.it.spec.ts): msgpackr does not recognise the sandbox's Float64Array.
  it('round-trips values as structuredClone copies them: Map, Set, Date, Uint8Array, BigInt, undefined fields, nested arrays', () => {
    const value = {
      map: new Map<unknown, unknown>([['a', { n: 1 }], [2, [new Set(['x'])]]]),
      set: new Set([1, 'two']),
      date: new Date(1_700_000_000_000),
      bytes: new Uint8Array([0, 1, 254, 255]),
      big: 2n ** 70n,
      missing: undefined,
      nested: [{ deeper: { stillUndefined: undefined, n: null } }],
    };
    const decoded = roundTrip(value) as typeof value;
    expect(decoded).toStrictEqual(value);
    expect(decoded.bytes).toBeInstanceOf(Uint8Array);
    expect(Object.prototype.hasOwnProperty.call(decoded, 'missing')).toBe(true);
  });

  it('round-trips the real gateway payloads equal (strictly: types, undefined fields) to what was sent', () => {
    const tdd = deploymentWithRestore();
    expect(roundTrip(tdd)).toStrictEqual(tdd);

    const ack: CheckpointAcknowledgement = {
      jobId: 'job',
      attemptId: 'attempt-1',
      checkpointId: 3,
      state: {
        'op-1': { keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, handle: { kind: 'inline', data: new Uint8Array([7, 7, 7]) } } },
        'op-2': { operator: { kind: 'inline', data: new Uint8Array([1]) }, inputChannels: undefined },
      },
      metrics: { syncDurationMs: 1, asyncDurationMs: 20 },
    };
    const decodedAck = roundTrip(ack) as CheckpointAcknowledgement;
    expect(decodedAck).toStrictEqual(ack);
    expect((decodedAck.state['op-1'].keyed?.handle as { data: Uint8Array }).data).toBeInstanceOf(Uint8Array);

    const submission: JobSubmission = { ...testingJobSubmission(testingJobGraph()), args: ['--rate', '10'], configuration: { 'parallelism.default': 2, nothing: undefined } };
    expect(roundTrip(submission)).toStrictEqual(submission);
  });
});
