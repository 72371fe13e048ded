import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKER_APP = join(__dirname, '..', '..', 'dist', 'worker-app');

/**
 * A handler thread's loader between tasks, on Node's own loader (jest's would
 * not be the one the thread uses): in a process of its own.
 */
const SCENARIO = `
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [workerApp, dir] = process.argv.slice(1);
const { keepCompiledModules } = require(join(workerApp, 'compiled-modules.js'));
const { loadTaskHandler } = require(join(workerApp, 'load-task-handler.js'));
const { ThreadBaseline } = require(join(workerApp, 'thread-baseline.js'));
keepCompiledModules();
writeFileSync(join(dir, 'dependency.js'), 'module.exports = { big: new Array(10000).fill(0) };');
writeFileSync(join(dir, 'handler.js'), "const dependency = require('./dependency'); module.exports = { run: () => dependency.big.length };");
const loader = require.cache[require.resolve(join(workerApp, 'load-task-handler.js'))];
const baseline = new ThreadBaseline();
const before = loader.children.length;
const results = [];
for (let task = 0; task < 50; task++) {
  results.push(loadTaskHandler(join(dir, 'handler.js'))());
  baseline.restore();
}
console.log(JSON.stringify({ added: loader.children.length - before, ran: new Set(results).size, cached: Object.keys(require.cache).filter((id) => id.startsWith(dir)).length }));
`;

describe('a handler thread between tasks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thread-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("forgets every module a task loaded, from the cache and from the module that loaded it, so no task's modules stay alive", () => {
    const output = execFileSync(process.execPath, ['-e', SCENARIO, WORKER_APP, dir], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ added: 0, ran: 1, cached: 0 });
  });
});
