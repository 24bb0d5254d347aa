import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobStore } from '../blob/blob-store';
import type { ManualClock } from '../time/clock';

/** A BlobStore in a fresh temporary folder (removed when the store, or the Dispatcher owning it, closes), for Dispatchers built by hand in tests. */
export function testingBlobStore(clock: ManualClock, maxBytes = 1 << 20): BlobStore {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-testing-blobs-'));
  return new BlobStore({ directory, maxBytes, cleanupIntervalMs: 3_600_000, clock, scheduler: clock });
}
