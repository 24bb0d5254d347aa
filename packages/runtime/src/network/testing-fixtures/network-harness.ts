import { ElementKind } from '../input-element';
import type { InputGate } from '../input-gate';
import type { NetworkEvent } from '../buffer-format';
import type { ResultPartition } from '../result-partition';

/** What a test sees of one element (copied out of the gate's reused InputElement). */
export type Received =
  | { kind: 'record'; value: unknown; timestamp: number; channel: number }
  | { kind: 'watermark'; timestamp: number; channel: number }
  | { kind: 'event'; event: NetworkEvent; channel: number };

export function copyElement(gate: InputGate): Received | undefined {
  const el = gate.pollNext();
  if (el === undefined) return undefined;
  switch (el.kind) {
    case ElementKind.RECORD:
      return { kind: 'record', value: el.value, timestamp: el.timestamp, channel: el.channel };
    case ElementKind.WATERMARK:
      return { kind: 'watermark', timestamp: el.timestamp, channel: el.channel };
    case ElementKind.EVENT:
      return { kind: 'event', event: el.event as NetworkEvent, channel: el.channel };
  }
}

/** Polls what is ready now, without waiting. */
export function drainReady(gate: InputGate, into: Received[] = []): Received[] {
  for (let r = copyElement(gate); r !== undefined; r = copyElement(gate)) into.push(r);
  return into;
}

/** Reads like a task: poll until nothing is ready, then wait for availability, until every channel ended. */
export async function consumeAll(gate: InputGate): Promise<Received[]> {
  const out: Received[] = [];
  while (!gate.isFinished()) {
    drainReady(gate, out);
    if (!gate.isFinished()) await gate.whenAvailable();
  }
  return out;
}

/** Writes like a task: checks availability before every record. */
export async function produceAll<T>(
  partition: ResultPartition<T>,
  items: ReadonlyArray<{ value: T; timestamp: number; subpartition?: number } | { event: NetworkEvent }>,
): Promise<void> {
  for (const item of items) {
    if (!partition.isAvailable()) await partition.whenAvailable();
    if ('event' in item) partition.broadcastEvent(item.event);
    else partition.emit(item.value, item.timestamp, item.subpartition ?? 0);
  }
  partition.finish();
}
