import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPILED_MODULES = join(__dirname, '..', '..', 'dist', 'worker-app', 'compiled-modules.js');

/**
 * What a worker's loader does with keepCompiledModules, on Node's own
 * loader (jest's would not use it): in a process of its own.
 */
const SCENARIO = `
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [compiledModules, dir] = process.argv.slice(1);
// Counts what keepCompiledModules compiles (Node's own loader compiles without vm.Script).
const vm = require('node:vm');
let compiled = 0;
vm.Script = class extends vm.Script { constructor(...args) { super(...args); compiled++; } };
// Counts the reads of the test's files (Node's loader reads through fs.readFileSync).
const fs = require('node:fs');
const read = fs.readFileSync;
const reads = [];
fs.readFileSync = function (file, ...rest) {
  if (String(file).startsWith(dir)) reads.push(require('node:path').basename(String(file)));
  return read.call(this, file, ...rest);
};
const readsSince = (start) => reads.slice(start);
// Counts the stats of the test's files (compiled-modules.js calls fs.statSync as it loads each).
const stat = fs.statSync;
let stats = 0;
fs.statSync = function (file, ...rest) {
  if (String(file).startsWith(dir)) stats++;
  return stat.call(this, file, ...rest);
};
require(compiledModules).keepCompiledModules();
const counter = join(dir, 'counter.js');
const forget = () => Object.keys(require.cache).filter((id) => id.startsWith(dir)).forEach((id) => delete require.cache[id]);
writeFileSync(join(dir, 'helper.js'), "module.exports = 'helper';");
writeFileSync(counter, "#!/usr/bin/env node\\nlet n = 0;\\nconst helper = require('./helper');\\nmodule.exports = { next: () => ++n, dir: __dirname, file: __filename, helper, self: this === module.exports, family: module.children.map((c) => c.id) + ' ' + (module.children[0].parent === module), resolved: require.resolve('./helper'), main: require.main === process.mainModule, cached: !!require.cache[__filename] };");
// Files changed within the last second are read on every load: these are made older than that.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1100);
const first = require(counter);
const firstRuns = [first.next(), first.next()];
const compiles = [compiled];
const fileReads = [readsSince(0)];
const fileStats = [stats];
forget();
const again = require(counter);
const againRun = again.next();
compiles.push(compiled);
fileReads.push(readsSince(2));
fileStats.push(stats);
// The same size: only the file's times and the check of its source tell.
writeFileSync(counter, 'module.exports = { changed: true };'.padEnd(read.call(fs, counter, 'utf8').length));
// Seen unchanged less than UNCHANGED_FOR_MS (250 ms) ago: taken as unchanged, without a stat.
forget();
const withinWindow = Object.keys(require(counter));
fileStats.push(stats);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
forget();
const changed = require(counter);
compiles.push(compiled);
fileReads.push(readsSince(2));
fileStats.push(stats);
// Changed less than a second ago: read again, though its times have not moved since.
forget();
require(counter);
fileReads.push(readsSince(3));
fileStats.push(stats);
const { family, resolved, main, cached } = first;
console.log(JSON.stringify({ firstRuns, againRun, same: again === first, dir: first.dir, file: first.file, helper: first.helper, self: first.self, family, resolved, main, cached, withinWindow, changed, compiles, fileReads, fileStats }));
`;

describe('handler modules compiled once, run afresh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compiled-modules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a module afresh after it left the require cache, and recompiles it once its source changed and the change is looked for', () => {
    const output = execFileSync(process.execPath, ['-e', SCENARIO, COMPILED_MODULES, dir], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({
      firstRuns: [1, 2],
      againRun: 1, // module state did not carry over
      same: false,
      dir,
      file: join(dir, 'counter.js'),
      helper: 'helper',
      self: true,
      // As with Node's own require: the helper is the module's child, and it is the helper's parent.
      family: `${join(dir, 'helper.js')} true`,
      resolved: join(dir, 'helper.js'),
      main: true,
      cached: true,
      // The edit, made right after both files were seen, is not looked for yet...
      withinWindow: ['next', 'dir', 'file', 'helper', 'self', 'family', 'resolved', 'main', 'cached'],
      // ...and is seen once UNCHANGED_FOR_MS have passed.
      changed: { changed: true },
      // Both files compiled once; run again without compiling; only the changed one compiled again.
      compiles: [2, 2, 3],
      // Both read once; not read again while unchanged; the changed one read again, and again while its change is recent.
      fileReads: [['counter.js', 'helper.js'], [], ['counter.js'], ['counter.js']],
      // A stat each at first; none while they were seen less than UNCHANGED_FOR_MS ago; then one for the changed
      // file, and one again for it, since its change is too recent to trust its times.
      fileStats: [2, 2, 2, 3, 4],
    });
  });
});
