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
//              | [2, name, size] (version 4: a file beside the `_metadata`, named relative to its directory)

const INLINE = 0;
const FILE = 1;
const RELATIVE_FILE = 2;
const TYPES: readonly SnapshotType[] = ['CHECKPOINT', 'SAVEPOINT'];

type PackedHandle = [typeof INLINE, Uint8Array] | [typeof FILE, string, number] | [typeof RELATIVE_FILE, string, number];

/**
 * Encodes a checkpoint's `_metadata`. With `directoryUri` (a savepoint's directory, in the form of its
 * handles' URIs: CheckpointStorageAccess.directoryUri), a file directly in that directory is named
 * relative to it, so the directory can be moved or copied elsewhere and restored from there (Flink's
 * relocatable savepoints); every other handle keeps its URI.
 */
export function encodeCheckpointMetadata(m: CheckpointMetadata, directoryUri?: string): Uint8Array {
  const packHandle = (h: StreamStateHandle): PackedHandle => packHandleIn(h, directoryUri);
  const packKeyed = (k: KeyedStateHandle): unknown[] => {
    const packed: unknown[] = [k.keyGroupRange.startKeyGroup, k.keyGroupRange.endKeyGroup, packHandle(k.handle)];
    if (k.changes) packed.push(k.changes.map(packHandle));
    return packed;
  };
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

function packHandleIn(h: StreamStateHandle, directoryUri: string | undefined): PackedHandle {
  if (h.kind === 'inline') return [INLINE, plainBytes(h.data)];
  const name = directoryUri === undefined ? undefined : nameIn(h.uri, directoryUri);
  return name === undefined ? [FILE, h.uri, h.size] : [RELATIVE_FILE, name, h.size];
}

/** The name of the file `uri` names when it lies directly in the directory `directoryUri` names (not deeper); else undefined. */
function nameIn(uri: string, directoryUri: string): string | undefined {
  const prefix = directoryUri.endsWith('/') ? directoryUri : `${directoryUri}/`;
  if (!uri.startsWith(prefix)) return undefined;
  const name = uri.slice(prefix.length);
  return isPlainName(name) ? name : undefined;
}

/** A relative handle names one file of the directory: no separator, and nothing that climbs out of it. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\') && !name.includes('?') && !name.includes('#');
}

/** A plain Uint8Array view (not a Buffer), so it decodes as a Uint8Array. */
function plainBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Decodes a `_metadata` file; `file` names it in errors. `directoryUri` is the URI of the directory the
 * file was read from (CheckpointStorageAccess.directoryUri): a relative handle (a savepoint's own file)
 * becomes a file handle of that directory, wherever the savepoint was written. Metadata with relative
 * handles and no `directoryUri` fails, naming the file.
 */
export function decodeCheckpointMetadata(bytes: Uint8Array, file: string, directoryUri?: string): CheckpointMetadata {
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
    operators: (operators as unknown[]).map((o, i) => unpackOperator(o, { version: reader.version, directoryUri, check: (ok, what) => check(ok, `operator ${i}: ${what}`) })),
  };
}

type Check = (ok: boolean, what: string) => void;

/** How one part of the metadata is read: the file's version, where relative handles resolve, and the check that fails it. */
interface Unpacking {
  readonly version: number;
  readonly directoryUri: string | undefined;
  readonly check: Check;
}

function unpackOperator(packed: unknown, u: Unpacking): OperatorStateMetadata {
  const { version, check } = u;
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
    subtasks: (subtasks as unknown[]).map((s, i) => unpackSubtask(s, { ...u, check: (ok, what) => check(ok, `subtask ${i}: ${what}`) })),
    ...(coordinatorState === null ? {} : { coordinatorState: plainBytes(coordinatorState as Uint8Array) }),
  };
}

function unpackSubtask(packed: unknown, u: Unpacking): OperatorSubtaskState {
  const { version, check } = u;
  if (packed === true && version >= 3) return { finished: true };
  check(Array.isArray(packed) && (packed.length === 2 || packed.length === 3), 'expected [keyed, operator] or [keyed, operator, inputChannels]');
  const [keyed, operator, inputChannels] = packed as unknown[];
  const result: { keyed?: KeyedStateHandle; operator?: StreamStateHandle; inputChannels?: StreamStateHandle } = {};
  if (inputChannels !== undefined) result.inputChannels = unpackHandle(inputChannels, u);
  if (keyed !== null) {
    check(Array.isArray(keyed) && (keyed.length === 3 || (keyed.length === 4 && Array.isArray(keyed[3]))) && isCount(keyed[0]) && isCount(keyed[1]),
      'expected [startKeyGroup, endKeyGroup, handle] or [startKeyGroup, endKeyGroup, handle, changes]');
    const [startKeyGroup, endKeyGroup, handle, changes] = keyed as [number, number, unknown, unknown[] | undefined];
    result.keyed = {
      keyGroupRange: { startKeyGroup, endKeyGroup },
      handle: unpackHandle(handle, u),
      ...(changes && { changes: changes.map((c) => unpackHandle(c, u)) }),
    };
  }
  if (operator !== null) result.operator = unpackHandle(operator, u);
  return result;
}

function unpackHandle(packed: unknown, { version, directoryUri, check }: Unpacking): StreamStateHandle {
  check(Array.isArray(packed), 'a state handle is not a list');
  const h = packed as unknown[];
  if (h[0] === INLINE) {
    check(h.length === 2 && h[1] instanceof Uint8Array, 'an inline handle has no bytes');
    const data = h[1] as Uint8Array;
    return { kind: 'inline', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  if (h[0] === RELATIVE_FILE && version >= 4) {
    check(h.length === 3 && typeof h[1] === 'string' && isPlainName(h[1]) && isCount(h[2]), 'expected [2, name, size] for a relative state handle, with the name of one file');
    // A savepoint's own files lie beside its _metadata: they are read from where the metadata was read.
    check(directoryUri !== undefined, `the state file '${h[1] as string}' is named relative to the metadata's directory, and this storage cannot say which directory that is`);
    return { kind: 'file', uri: `${directoryUri!.replace(/\/+$/, '')}/${h[1] as string}`, size: h[2] as number };
  }
  check(h[0] === FILE && h.length === 3 && typeof h[1] === 'string' && isCount(h[2]), 'expected [0, bytes] or [1, uri, size] for a state handle');
  return { kind: 'file', uri: h[1] as string, size: h[2] as number };
}

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
