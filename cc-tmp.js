const fs = require('fs'), vm = require('vm'), Module = require('module'), path = require('path');
const file = require.resolve('@flott/runtime').replace('index.js', 'package.js');
const src = fs.readFileSync(file, 'utf8');
const cacheFile = '/tmp/cc.bin';
const cached = process.argv[2] === 'use' && fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
let t = performance.now();
const script = new vm.Script(Module.wrap(src), { filename: file, cachedData: cached });
const tc = performance.now() - t;
const fn = script.runInThisContext();
const m = { exports: {} };
t = performance.now();
fn.call(m.exports, m.exports, require, m, file, path.dirname(file));
const idx = m.exports.index; // trigger loading of index
const te = performance.now() - t;
console.log(`compile ${tc.toFixed(1)} ms, rejected=${script.cachedDataRejected}, eval+index ${te.toFixed(1)} ms`);
if (process.argv[2] === 'make') fs.writeFileSync(cacheFile, script.createCachedData());
