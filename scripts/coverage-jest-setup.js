// Jest setup file of coverage runs (jest.preset.js): hot-method specialisation off in this test
// file's sandbox, whose instrumented modules read this copy of process.env. Worker threads and child
// processes see the real environment, so the uninstrumented dist/ code they run stays specialised.
process.env.FLOTT_SPECIALIZE_HOT_METHODS = 'false';
