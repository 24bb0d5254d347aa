import { ResultPartition } from './result-partition';
import { InputGate } from './input-gate';
import { createLocalChannel } from './transport';
import { defaultNetworkConfig } from './network-config';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { ElementKind } from './input-element';

/** Two producers, one channel each, into one gate: what checkpoint alignment works on. */
function twoChannels(): { producers: ResultPartition<unknown>[]; gate: InputGate } {
  const config = defaultNetworkConfig();
  const gate = new InputGate({ gateIndex: 0, numChannels: 2, config, serializer: msgpackSerializer() });
  const producers = [0, 1].map((i) => {
    const partition = new ResultPartition<unknown>({ partitionId: `p${i}`, numSubpartitions: 1, config, serializer: msgpackSerializer() });
    const ch = createLocalChannel();
    partition.attachConsumer(0, ch.producer);
    gate.connectChannel(i, ch.consumer);
    return partition;
  });
  return { producers, gate };
}

/** Everything the gate hands out now, as `channel:value` or `channel:barrier<id>`. */
function pollReady(gate: InputGate, onBarrier?: (channel: number) => void): string[] {
  const out: string[] = [];
  for (let e = gate.pollNext(); e; e = gate.pollNext()) {
    if (e.kind === ElementKind.RECORD) out.push(`${e.channel}:${String(e.value)}`);
    else if (e.event?.kind === 'barrier') {
      out.push(`${e.channel}:barrier${e.event.checkpointId}`);
      onBarrier?.(e.channel);
    }
  }
  return out;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('InputGate channel blocking (checkpoint alignment)', () => {
  it('holds back a blocked channel, even the rest of a buffer it was reading, and releases it in order', async () => {
    const { producers, gate } = twoChannels();
    producers[0].emit('a1', 0, 0);
    producers[0].broadcastEvent({ kind: 'barrier', checkpointId: 1, timestamp: 0, alignedTimeoutMs: -1, location: 'l' });
    producers[0].emit('a2', 0, 0);
    producers[0].flushAll();
    await settle();
    // Channel 0 delivers up to its barrier and is blocked there; a2, in the same buffer, waits.
    expect(pollReady(gate, (ch) => gate.blockChannel(ch))).toEqual(['0:a1', '0:barrier1']);
    producers[1].emit('b1', 0, 0);
    producers[1].flushAll();
    producers[0].emit('a3', 0, 0);
    producers[0].flushAll();
    await settle();
    expect(pollReady(gate)).toEqual(['1:b1']);
    producers[1].broadcastEvent({ kind: 'barrier', checkpointId: 1, timestamp: 0, alignedTimeoutMs: -1, location: 'l' });
    await settle();
    expect(pollReady(gate)).toEqual(['1:barrier1']);
    gate.resumeChannels();
    await expect(gate.whenAvailable()).resolves.toBeUndefined();
    expect(pollReady(gate)).toEqual(['0:a2', '0:a3']);
  });

  it('does not wake a waiter for data of a blocked channel', async () => {
    const { producers, gate } = twoChannels();
    producers[0].broadcastEvent({ kind: 'barrier', checkpointId: 4, timestamp: 0, alignedTimeoutMs: -1, location: 'l' });
    await settle();
    expect(pollReady(gate, (ch) => gate.blockChannel(ch))).toEqual(['0:barrier4']);
    let woken = false;
    void gate.whenAvailable().then(() => (woken = true));
    producers[0].emit('late', 0, 0);
    producers[0].flushAll();
    await settle();
    expect(woken).toBe(false);
    expect(pollReady(gate)).toEqual([]);
    gate.resumeChannels();
    await settle();
    expect(woken).toBe(true);
    expect(pollReady(gate)).toEqual(['0:late']);
  });
});
