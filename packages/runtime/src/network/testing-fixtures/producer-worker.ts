// Worker side of transport.spec.ts: produces sampleRecords over a MessagePort, as a task would.
import { parentPort, workerData, type MessagePort } from 'worker_threads';
import { ResultPartition } from '../result-partition';
import { defaultNetworkConfig, type NetworkConfig } from '../network-config';
import { msgpackSerializer } from '../../serialization/msgpack-serializer';
import { producerEndpointFromPort } from '../transport';
import { sampleRecords } from './sample-records';

const { port, count, config } = workerData as { port: MessagePort; count: number; config: Partial<NetworkConfig> };

async function run(): Promise<void> {
  const partition = new ResultPartition<unknown>({
    partitionId: 'worker', numSubpartitions: 1, config: defaultNetworkConfig(config), serializer: msgpackSerializer(),
  });
  partition.attachConsumer(0, producerEndpointFromPort(port));
  let waits = 0;
  const records = sampleRecords(count);
  for (let i = 0; i < records.length; i++) {
    if (!partition.isAvailable()) {
      waits++;
      await partition.whenAvailable();
    }
    partition.emit(records[i].value, records[i].timestamp, 0);
    if (i % 1000 === 999) partition.broadcastEvent({ kind: 'watermark', timestamp: i });
  }
  partition.finish();
  parentPort?.postMessage({ waits, maxBuffersAllocated: partition.stats().maxBuffersAllocated });
}

run().catch((e: unknown) => {
  parentPort?.postMessage({ error: String(e) });
});
