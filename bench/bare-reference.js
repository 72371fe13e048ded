// The machine's own reference for metrics 3 and 6, without the service: a bare fork to its first IPC
// message, and the cpu_intensive handler run in plain Node processes, one alone and then two at once.
// On a shared machine two busy cores can be slower than one for reasons no service controls; the
// table shows what the same work gives here with nothing of ours around it.
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { workerForkOptions } = require('../dist/workers/worker-process');
const { WORKER_ENV_EXCLUDE } = require('./bench-service');
const { nowMs, round } = require('./stats');

const CHILD = join(__dirname, 'bare-child.js');
const HANDLER = join(__dirname, '..', 'dist', 'task-types', 'cpu-intensive.handler.js');

/** A bare child in the environment the benchmark's workers get, once it says it is online. */
async function forkBare() {
  const child = fork(CHILD, [], workerForkOptions({ envExclude: WORKER_ENV_EXCLUDE }));
  await new Promise((resolve) => child.once('message', resolve));
  return child;
}

/** Runs the handler in `count` fresh processes at once; resolves with the span from the first start to the last end. */
async function bareSpan(count, data, nice) {
  // All booted before any starts: the span is the work's, not Node's start-up.
  const children = await Promise.all(Array.from({ length: count }, forkBare));
  const times = await Promise.all(
    children.map((child) => {
      child.send({ handler: HANDLER, data, nice });
      return new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => code !== 0 && reject(new Error(`bare handler exited with ${code}`)));
      });
    }),
  );
  return Math.max(...times.map((t) => t.finishedAt)) - Math.min(...times.map((t) => t.startedAt));
}

/** One round of metric 6's reference: the ratio of two at once to one alone. */
async function bareMakespanRound(data, nice) {
  const alone = await bareSpan(1, data, nice);
  const pair = await bareSpan(2, data, nice);
  return { alone_ms: Math.round(alone), pair_ms: Math.round(pair), ratio: round(pair / alone) };
}

/** Metric 3's reference: fork to the first IPC message of a child that does nothing else. */
async function bareForkMs() {
  const started = nowMs();
  const child = await forkBare();
  const ms = nowMs() - started;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

module.exports = { bareMakespanRound, bareForkMs };
