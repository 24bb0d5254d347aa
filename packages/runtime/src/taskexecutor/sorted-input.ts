import { tmpdir } from 'node:os';
import { FlottError } from '@flott/core';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { OneInputStreamOperator } from '../operators/stream-operator';
import { canonicalKey } from '../util/canonical-key';
import type { EdgeOutput } from './chain-outputs';
import { KeySorter, msgpackSortCodec, serializerSortCodec } from './key-sorter';
import type { TaskInputsHost } from './task-inputs';
import type { ValveOutput } from './watermark-valve';

/**
 * The input of a keyed operator in BATCH execution, sorted by key (Flink's sort-based BATCH execution):
 * while the gates deliver, records go into a KeySorter and watermarks are held; once every gate ended,
 * the records go to the operator key by key (`keyFinished` between keys, so a keyed aggregation emits
 * each key's final value and drops its state), and then the highest watermark held. Used on the task's
 * loop only.
 */
export class SortedInput {
  private operatorInput: Pick<EdgeOutput, 'collect'> | undefined;
  private released: ValveOutput | undefined;
  private heldWatermark = Number.NEGATIVE_INFINITY;
  private lastKey: string | undefined;
  private ended = false;
  private closed = false;
  /** Every gate ended: the sorted records go to the operator now. */
  emitting = false;
  /** Every sorted record went to the operator (and the held watermark after them). */
  drained = false;

  constructor(
    private readonly sorter: KeySorter,
    private readonly keyOf: (value: unknown) => string,
    private readonly operator: OneInputStreamOperator<unknown, unknown>,
    private readonly log: Logger,
    private readonly operatorName: string,
  ) {}

  /** What the gates' valve delivers to while sorting: watermarks are held until the sorted records went out. */
  holdWatermarks(out: ValveOutput): ValveOutput {
    this.released = out;
    return {
      emitWatermark: (wm) => {
        if (wm > this.heldWatermark) this.heldWatermark = wm;
      },
      // Idleness means nothing to an input that is read only once it ended.
      emitWatermarkStatus: () => undefined,
    };
  }

  /** Where the gates' records go instead of `operatorInput`, which gets them sorted later. */
  collector(operatorInput: Pick<EdgeOutput, 'collect'>): Pick<EdgeOutput, 'collect'> {
    this.operatorInput = operatorInput;
    return { collect: (value, timestamp) => this.sorter.add(this.keyOf(value), value, timestamp) };
  }

  /** Hands the next sorted record to the operator; false once all went out. */
  emitNext(): boolean {
    if (this.drained) return false;
    if (!this.ended) {
      this.ended = true;
      this.sorter.endInput();
      const runs = this.sorter.spilledRuns;
      const msg = `Sorted ${this.sorter.size} records of ${this.operatorName} by key in ${runs} run(s) spilled to disk (execution.sorted-inputs.memory) and memory.`;
      if (runs > 0) this.log.info({ records: this.sorter.size, spilledRuns: runs }, msg);
      else this.log.debug({ records: this.sorter.size }, msg);
    }
    const record = this.sorter.next();
    if (record === undefined) {
      if (this.lastKey !== undefined) this.operator.keyFinished?.();
      this.drained = true;
      this.close();
      if (this.heldWatermark > Number.NEGATIVE_INFINITY) this.released?.emitWatermark(this.heldWatermark);
      return true;
    }
    if (this.lastKey !== undefined && record.key !== this.lastKey) this.operator.keyFinished?.();
    this.lastKey = record.key;
    this.operatorInput!.collect(record.value, record.timestamp);
    return true;
  }

  /** Deletes what the sorter spilled (the task ended or failed). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sorter.close();
  }
}

/**
 * The sorted input of a task, when it gets one: BATCH execution with execution.sorted-inputs.enabled,
 * a keyed one-input head operator fed by the network. Several input edges share one sorter (plain
 * msgpack then, as also for one edge without a serializer of its own). An operator with a combiner
 * (keyed sum, min, max, minBy, maxBy) has its records combined per key while they are buffered.
 */
export function sortedInputOf(host: TaskInputsHost): SortedInput | undefined {
  const { graph, tdd, env, chain } = host;
  const head = chain.head;
  const keySelector = head.node.stateKeySelector;
  const settings = env.sortedInputs;
  if (graph.config.runtimeMode !== 'BATCH' || settings === undefined || keySelector === undefined || head.keyedBackend === undefined) return undefined;
  if (tdd.inputs.length === 0 || tdd.inputs.some((d) => d.typeNumber !== 0)) return undefined;
  // The records of an edge with a serializer of its own keep it (one encoder per record); msgpack ones are sorted as plain msgpack.
  const custom = tdd.inputs.length === 1 ? graph.outputSerializerOf(tdd.inputs[0].streamEdgeId) : undefined;
  const operator = head.operator as OneInputStreamOperator<unknown, unknown>;
  const combine = head.node.inputCombiner?.combine;
  const sorter = new KeySorter({
    codec: custom ? serializerSortCodec(custom) : msgpackSortCodec(),
    memoryBytes: settings.memoryBytes,
    spillDirectory: () => env.blockingPartitionDirectory?.() ?? tmpdir(),
    name: `${tdd.attemptId}-${head.node.id}`,
    ...(combine ? { combine } : {}),
  });
  const fail = (reason: string) => new FlottError('UNSUPPORTED_KEY', `Cannot sort by the key of '${head.node.name}': ${reason}`, { operator: head.node.name });
  // A string key sorts as itself after a quote (cheaper than its JSON form, which every record paid); no other key's canonical form starts with one.
  const keyOf = (value: unknown): string => {
    const key = keySelector(value);
    return typeof key === 'string' ? `"${key}` : canonicalKey(key, fail);
  };
  return new SortedInput(sorter, keyOf, operator, env.logger ?? SILENT_LOGGER, head.node.name);
}
