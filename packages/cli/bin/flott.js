#!/usr/bin/env node
'use strict';
require('../dist/main.js').main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${(e && e.stack) || e}\n`);
    process.exitCode = 1;
  },
);
