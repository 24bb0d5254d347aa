import type {
  CheckpointMetadata,
  KeyedStateHandle,
  OperatorStateMetadata,
  OperatorSubtaskState,
  SnapshotType,
  StreamStateHandle,
} from '../../snapshot/snapshot-data';
import { CHECKPOINT_METADATA_FILE, SectionedFileReader, writeSectionedFile } from './sectioned-file';
import { packSection, readSection } from './state-values';

// A checkpoint's `_metadata` (docs/checkpoint-format.md): no header fields, one section (id 0) holding
//   [checkpointId, jobId, type, timestamp, [operator, ...]]
//   operator = [operatorId, uid | nil, name, parallelism, maxParallelism, [subtask, ...], coordinatorState | nil]
//              (version 1 has no coordinatorState: six elements)
//   subtask  = [keyed | nil, operatorState | nil (, inputChannels)] | true (version 3: the subtask had finished);
//              keyed = [startKeyGroup, endKeyGroup, handle]
//              or (version 2, incremental) [startKeyGroup, endKeyGroup, handle, [changeHandle, ...]];
//              inputChannels (version 2): the task's channel state file (unaligned checkpoints, head operator only)
//   handle   = [0, bytes] (inline: the state file's bytes embedded here) | [1, uri, size] (a file)

const INLINE = 0;
const FILE = 1;
const TYPES: readonly SnapshotType[] = ['CHECKPOINT', 'SAVEPOINT'];

type PackedHandle = [typeof INLINE, Uint8Array] | [typeof FILE, string, number];

export function encodeCheckpointMetadata(m: CheckpointMetadata): Uint8Array {
  const operators = m.operators.map((o) => [
    o.operatorId,
    o.uid ?? null,
    o.name,
    o.parallelism,
    o.maxParallelism,
    o.subtasks.map((s) => {
      if (s.finished) return true;
      const packed: unknown[] = [s.keyed ? packKeyed(s.keyed) : null, s.operator ? packHandle(s.operator) : null];
      // Written only when present, so checkpoints without in-flight data keep the two-element form.
      if (s.inputChannels) packed.push(packHandle(s.inputChannels));
      return packed;
    }),
    o.coordinatorState ? plainBytes(o.coordinatorState) : null,
  ]);
  const bytes = packSection([m.checkpointId, m.jobId, m.type, m.timestamp, operators]);
  return writeSectionedFile(CHECKPOINT_METADATA_FILE, [], [{ id: 0, bytes }]);
}

function packKeyed(k: KeyedStateHandle): unknown[] {
  const packed: unknown[] = [k.keyGroupRange.startKeyGroup, k.keyGroupRange.endKeyGroup, packHandle(k.handle)];
  if (k.changes) packed.push(k.changes.map(packHandle));
  return packed;
}

function packHandle(h: StreamStateHandle): PackedHandle {
  return h.kind === 'inline' ? [INLINE, plainBytes(h.data)] : [FILE, h.uri, h.size];
}

/** A plain Uint8Array view (not a Buffer), so it decodes as a Uint8Array. */
function plainBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Decodes a `_metadata` file; `file` names it in errors. */
export function decodeCheckpointMetadata(bytes: Uint8Array, file: string): CheckpointMetadata {
  const reader = SectionedFileReader.open(bytes, file, CHECKPOINT_METADATA_FILE);
  if (reader.index.length !== 1 || reader.index[0].id !== 0) reader.fail(`expected one section with id 0, found ${reader.index.length}`);
  const decoded = readSection(reader, 0, 'the metadata section');
  const check = (ok: boolean, what: string): void => {
    if (!ok) reader.fail(`the metadata is malformed: ${what}`);
  };
  check(Array.isArray(decoded) && decoded.length === 5, 'expected [checkpointId, jobId, type, timestamp, operators]');
  const [checkpointId, jobId, type, timestamp, operators] = decoded as unknown[];
  check(isCount(checkpointId), `checkpoint id ${String(checkpointId)} is not a non-negative integer`);
  check(typeof jobId === 'string', 'the job id is not a string');
  check(TYPES.includes(type as SnapshotType), `unknown snapshot type ${JSON.stringify(type)}`);
  check(typeof timestamp === 'number', 'the timestamp is not a number');
  check(Array.isArray(operators), 'the operators are not a list');
  return {
    checkpointId: checkpointId as number,
    jobId: jobId as string,
    type: type as SnapshotType,
    timestamp: timestamp as number,
    operators: (operators as unknown[]).map((o, i) => unpackOperator(o, reader.version, (ok, what) => check(ok, `operator ${i}: ${what}`))),
  };
}

type Check = (ok: boolean, what: string) => void;

function unpackOperator(packed: unknown, version: number, check: Check): OperatorStateMetadata {
  if (version === 1) check(Array.isArray(packed) && packed.length === 6, 'expected [operatorId, uid, name, parallelism, maxParallelism, subtasks]');
  else check(Array.isArray(packed) && packed.length === 7, 'expected [operatorId, uid, name, parallelism, maxParallelism, subtasks, coordinatorState]');
  const [operatorId, uid, name, parallelism, maxParallelism, subtasks, coordinatorState = null] = packed as unknown[];
  check(typeof operatorId === 'string' && typeof name === 'string', 'the operator id or name is not a string');
  check(uid === null || typeof uid === 'string', 'the uid is neither a string nor absent');
  check(isCount(parallelism) && isCount(maxParallelism), 'the parallelism or max parallelism is not a non-negative integer');
  check(Array.isArray(subtasks), 'the subtasks are not a list');
  check(coordinatorState === null || coordinatorState instanceof Uint8Array, 'the coordinator state is neither bytes nor absent');
  return {
    operatorId: operatorId as string,
    ...(uid === null ? {} : { uid: uid as string }),
    name: name as string,
    parallelism: parallelism as number,
    maxParallelism: maxParallelism as number,
    subtasks: (subtasks as unknown[]).map((s, i) => unpackSubtask(s, version, (ok, what) => check(ok, `subtask ${i}: ${what}`))),
    ...(coordinatorState === null ? {} : { coordinatorState: plainBytes(coordinatorState as Uint8Array) }),
  };
}

function unpackSubtask(packed: unknown, version: number, check: Check): OperatorSubtaskState {
  if (packed === true && version >= 3) return { finished: true };
  check(Array.isArray(packed) && (packed.length === 2 || packed.length === 3), 'expected [keyed, operator] or [keyed, operator, inputChannels]');
  const [keyed, operator, inputChannels] = packed as unknown[];
  const result: { keyed?: KeyedStateHandle; operator?: StreamStateHandle; inputChannels?: StreamStateHandle } = {};
  if (inputChannels !== undefined) result.inputChannels = unpackHandle(inputChannels, check);
  if (keyed !== null) {
    check(Array.isArray(keyed) && (keyed.length === 3 || (keyed.length === 4 && Array.isArray(keyed[3]))) && isCount(keyed[0]) && isCount(keyed[1]),
      'expected [startKeyGroup, endKeyGroup, handle] or [startKeyGroup, endKeyGroup, handle, changes]');
    const [startKeyGroup, endKeyGroup, handle, changes] = keyed as [number, number, unknown, unknown[] | undefined];
    result.keyed = {
      keyGroupRange: { startKeyGroup, endKeyGroup },
      handle: unpackHandle(handle, check),
      ...(changes && { changes: changes.map((c) => unpackHandle(c, check)) }),
    };
  }
  if (operator !== null) result.operator = unpackHandle(operator, check);
  return result;
}

function unpackHandle(packed: unknown, check: Check): StreamStateHandle {
  check(Array.isArray(packed), 'a state handle is not a list');
  const h = packed as unknown[];
  if (h[0] === INLINE) {
    check(h.length === 2 && h[1] instanceof Uint8Array, 'an inline handle has no bytes');
    const data = h[1] as Uint8Array;
    return { kind: 'inline', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  check(h[0] === FILE && h.length === 3 && typeof h[1] === 'string' && isCount(h[2]), 'expected [0, bytes] or [1, uri, size] for a state handle');
  return { kind: 'file', uri: h[1] as string, size: h[2] as number };
}

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
