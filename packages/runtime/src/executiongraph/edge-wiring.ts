import type { DistributionPattern } from '../deployment/job-graph';

/** One channel of a consumer's input gate: which producer subtask, which of its subpartitions. */
export interface SubtaskChannel {
  readonly producer: number;
  readonly subpartition: number;
}

export interface EdgeWiring {
  /** Per producer subtask: the consumer subtask each of its subpartitions feeds, in subpartition order. */
  readonly consumersOfProducer: readonly (readonly number[])[];
  /** Per consumer subtask: the channels it reads, in gate order. */
  readonly channelsOfConsumer: readonly (readonly SubtaskChannel[])[];
}

/**
 * Subtask-level wiring of one JobEdge. ALL_TO_ALL: every producer has one subpartition per consumer and
 * consumer j reads subpartition j of every producer. POINTWISE with equal parallelism: i feeds i. With
 * more producers than consumers each consumer reads a contiguous range of producers (one subpartition
 * each); with fewer, each producer feeds a contiguous range of consumers, one subpartition per consumer.
 * The ranges are Flink's, so a rescale lands records where Flink would.
 */
export function wireEdge(pattern: DistributionPattern, producers: number, consumers: number): EdgeWiring {
  const consumersOfProducer: number[][] = Array.from({ length: producers }, () => []);
  const channelsOfConsumer: SubtaskChannel[][] = Array.from({ length: consumers }, () => []);
  const link = (producer: number, consumer: number): void => {
    const subpartition = consumersOfProducer[producer].length;
    consumersOfProducer[producer].push(consumer);
    channelsOfConsumer[consumer].push({ producer, subpartition });
  };

  if (pattern === 'ALL_TO_ALL') {
    for (let c = 0; c < consumers; c++) for (let p = 0; p < producers; p++) link(p, c);
  } else if (producers >= consumers) {
    for (let c = 0; c < consumers; c++) {
      const start = Math.floor((c * producers) / consumers);
      const end = Math.floor(((c + 1) * producers) / consumers);
      for (let p = start; p < end; p++) link(p, c);
    }
  } else {
    for (let p = 0; p < producers; p++) {
      const start = Math.ceil((p * consumers) / producers);
      const end = Math.ceil(((p + 1) * consumers) / producers);
      for (let c = start; c < end; c++) link(p, c);
    }
  }
  return { consumersOfProducer, channelsOfConsumer };
}
