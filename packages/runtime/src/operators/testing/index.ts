// Test utilities for operators (Flink's operator test harnesses). Not part of the runtime's main entry.
export { OneInputOperatorTestHarness, KeyedOneInputOperatorTestHarness, SourceOperatorTestHarness } from './operator-test-harness';
export { TwoInputOperatorTestHarness } from './operator-test-harness';
export type { OperatorTestHarnessOptions, HarnessRestore } from './operator-test-harness';
export type { OperatorSnapshot } from './operator-snapshot';
export { InMemoryKeyedStateBackend } from './in-memory-keyed-state-backend';
export { RecordingOutput, OutputEvent } from './recording-output';
export type { RecordedElement, RecordedSideElement } from './recording-output';
export { TestingRuntimeContext } from './testing-runtime-context';
export type { TestingRuntimeContextOptions } from './testing-runtime-context';
