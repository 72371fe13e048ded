import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPILED_MODULES = join(__dirname, '..', '..', 'dist', 'worker-app', 'compiled-modules.js');

/**
 * What a handler thread's loader does with keepCompiledModules, on Node's own
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
require(compiledModules).keepCompiledModules();
const counter = join(dir, 'counter.js');
const forget = () => Object.keys(require.cache).filter((id) => id.startsWith(dir)).forEach((id) => delete require.cache[id]);
writeFileSync(join(dir, 'helper.js'), "module.exports = 'helper';");
writeFileSync(counter, "#!/usr/bin/env node\\nlet n = 0;\\nconst helper = require('./helper');\\nmodule.exports = { next: () => ++n, dir: __dirname, file: __filename, helper, self: this === module.exports, family: module.children.map((c) => c.id) + ' ' + (module.children[0].parent === module), resolved: require.resolve('./helper'), main: require.main === process.mainModule, cached: !!require.cache[__filename] };");
const first = require(counter);
const firstRuns = [first.next(), first.next()];
const compiles = [compiled];
forget();
const again = require(counter);
const againRun = again.next();
compiles.push(compiled);
writeFileSync(counter, 'module.exports = { changed: true };');
forget();
const changed = require(counter);
compiles.push(compiled);
const { family, resolved, main, cached } = first;
console.log(JSON.stringify({ firstRuns, againRun, same: again === first, dir: first.dir, file: first.file, helper: first.helper, self: first.self, family, resolved, main, cached, changed, compiles }));
`;

describe('handler modules compiled once, run afresh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compiled-modules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a module afresh after it left the require cache, and recompiles it once its source changed', () => {
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
      changed: { changed: true },
      // Both files compiled once; run again without compiling; only the changed one compiled again.
      compiles: [2, 2, 3],
    });
  });
});
