import type { OperatorStateMode } from '../../state/operator-state-store';
import type { OperatorStateSnapshotData } from '../../snapshot/snapshot-data';
import { OPERATOR_STATE_FILE, SectionedFileReader, writeSectionedFile } from './sectioned-file';
import { packStateSection, readSection } from './state-values';
import { SERIALIZED } from './keyed-state-file';

// An operator state file (docs/checkpoint-format.md; version 2, version 1 read): no header fields, one section (id 0) holding
//   [ [stateName, mode, [value, ...]] | [stateName, mode, [value, ...], 4] /* SERIALIZED (version 2) */, ... ]
// A restore at any parallelism needs all of it (list state is redistributed, union and broadcast
// state go to every subtask), so there is nothing to gain from more sections.

const MODES: readonly OperatorStateMode[] = ['SPLIT_DISTRIBUTE', 'UNION', 'BROADCAST'];

export function encodeOperatorStateFile(s: OperatorStateSnapshotData): Uint8Array {
  const packed = s.states.map(({ name, mode, values, serialized }) => (serialized === true ? [name, mode, values, SERIALIZED] : [name, mode, values]));
  const bytes = packStateSection(packed, s.states.map(({ name, values }) => [name, values] as const), 'the operator state');
  return writeSectionedFile(OPERATOR_STATE_FILE, [], [{ id: 0, bytes }]);
}

/** Decodes an operator state file; `file` names it in errors. */
export function decodeOperatorStateFile(bytes: Uint8Array, file: string): OperatorStateSnapshotData {
  const reader = SectionedFileReader.open(bytes, file, OPERATOR_STATE_FILE);
  if (reader.index.length !== 1 || reader.index[0].id !== 0) reader.fail(`expected one section with id 0, found ${reader.index.length}`);
  const decoded = readSection(reader, 0, 'the operator state section');
  const malformed = (what: string): never => reader.fail(`the operator state section is malformed: ${what}`);
  if (!Array.isArray(decoded)) malformed('expected a list of states');
  const states = (decoded as unknown[]).map((s) => {
    if (!Array.isArray(s) || s.length < 3 || s.length > (reader.version >= 2 ? 4 : 3) || typeof s[0] !== 'string' || !Array.isArray(s[2])) {
      malformed(`expected [name, mode, values]${reader.version >= 2 ? ' or [name, mode, values, 4]' : ''} for a state`);
    }
    const [name, mode, values, flags] = s as [string, unknown, unknown[], unknown];
    if (!MODES.includes(mode as OperatorStateMode)) malformed(`state '${name}' has unknown distribution mode ${JSON.stringify(mode)}`);
    const state = s as unknown[];
    if (state.length === 4 && flags !== SERIALIZED) malformed(`state '${name}' has unknown flags ${JSON.stringify(flags)}`);
    return state.length === 4 ? { name, mode: mode as OperatorStateMode, values, serialized: true } : { name, mode: mode as OperatorStateMode, values };
  });
  return { states };
}
