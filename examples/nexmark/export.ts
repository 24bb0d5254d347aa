/**
 * Writes the generated Nexmark events as JSON Lines, one event per line with its record's fields at
 * top level and a `type` ("person" | "auction" | "bid"), times as epoch milliseconds, in event order.
 * Check query results with your own tools against this file.
 *
 *   npx flott run examples/nexmark/export.ts --events 100000 --out events.jsonl
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { flattenEvent, nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
// One generator subtask keeps the file in event order.
env.setParallelism(1);
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));
sinkResults(src.map(flattenEvent).name('flatten'), a.output);
await env.execute('Nexmark export');
