/**
 * Fine-grained resources end to end: a sequence 1..n (default slot sharing group) is squared in the
 * slot sharing group `heavy` (which declares `--heavy-cores` CPU cores and `--heavy-heap` MB of task
 * heap per slot), at parallelism 2, and collected; prints the sorted results as one JSON line.
 *
 * Arguments: --n N, --heavy-cores C, --heavy-heap MB.
 */
import { ParameterTool, SlotSharingGroup, StreamExecutionEnvironment } from '@flott/api-datastream';

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const heavy = SlotSharingGroup.newBuilder('heavy').setCpuCores(params.getNumber('heavy-cores', 1)).setTaskHeapMemoryMB(params.getInt('heavy-heap', 128)).build();
  const squares = await env
    .fromSequence(1, params.getInt('n', 1000))
    .name('numbers')
    .rebalance()
    .map((x) => x * x)
    .name('square')
    .setParallelism(2)
    .slotSharingGroup(heavy)
    .executeAndCollect('fine-grained');
  console.log(JSON.stringify(squares.sort((a, b) => a - b)));
}
