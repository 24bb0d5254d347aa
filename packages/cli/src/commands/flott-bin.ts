import * as path from 'node:path';

/** This installation's `flott` binary, which `local-processes` and `flott cluster start` start processes with. */
export const FLOTT_BIN = path.resolve(__dirname, '..', '..', 'bin', 'flott.js');
