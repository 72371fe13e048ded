// `npm run bench` (or `npm run bench:smoke` for tiny sizes): measures the service against its goals and
// BullMQ's sandboxed processors on this machine, and writes bench/results/latest.{json,md} and README's table.
const { availableParallelism, cpus: cpuList, loadavg } = require('node:os');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { BenchService, ROOT, WORKER_NICE, PROGRESS_WRITE_MS } = require('./bench-service');
const { bullmqAddToStart } = require('./bullmq-peer');
const { coldBoot } = require('./cold-boot');
const { throughputDuel } = require('./throughput-duel');
const { submitToStart, idleAfterWork, underFullLoad, makespan, manyTasks } = require('./service-metrics');
const { metricRows, markdownTable } = require('./report');
const { sharedModeControl } = require('./shared-mode');
const { progressFlood } = require('./progress-flood');

const smoke = process.argv.includes('--smoke');
const cpus = availableParallelism();
const sizes = smoke
  ? { latencySamples: 20, throughputTasks: 100, throughputRounds: 1, loadSeconds: 1, boots: 3, complexity: 3_000_000, manyTasks: 2000, apiSettleMs: 5000, makespanRounds: 1 }
  : { latencySamples: 200, throughputTasks: 2000, throughputRounds: 5, loadSeconds: 5, boots: 15, complexity: 10_000_000, manyTasks: 100_000, apiSettleMs: 30000, makespanRounds: 3 };

async function withService(env, measure) {
  const service = await BenchService.start(env);
  try {
    return await measure(service);
  } finally {
    await service.stop();
  }
}

async function main() {
  const log = (what) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);
  const raw = {};
  // Other work on the machine skews every number; the table says how busy it was when the run began.
  const loadAtStart = loadavg()[0];
  // First, while nothing else of the benchmark runs.
  log('3. cold boot');
  raw.cold_boot = await coldBoot(sizes.boots);
  const poolEnv = { MAX_CONCURRENCY: String(cpus), WORKER_POOL_MIN: String(cpus) };
  await withService(poolEnv, async (service) => {
    log('1. submit-to-handler-start');
    raw.submit_to_start_ms = await submitToStart(service, { samples: sizes.latencySamples, cpus });
    log('3e. idle RSS of children that served metric 1 (fewer tasks than WORKER_REFRESH_AFTER_TASKS)');
    raw.idle_after_light_work = await idleAfterWork(service, { settleMs: 20000 });
    log('2. throughput, in turns with BullMQ');
    raw.throughput = await throughputDuel(service, { tasks: sizes.throughputTasks, rounds: sizes.throughputRounds, concurrency: cpus });
    log('3d. idle RSS of children that served the throughput run');
    raw.idle_after_work = await idleAfterWork(service, { settleMs: 20000 });
    log('4-5. API and controls under full CPU load');
    raw.under_load = await underFullLoad(service, { cpus, seconds: sizes.loadSeconds, rate: 500 });
    log('9. progress flood');
    raw.progress_flood = { ...(await progressFlood(service, { rate: 200 })), progress_write_ms: PROGRESS_WRITE_MS };
  });
  await withService(poolEnv, async (service) => {
    log('6. makespan');
    raw.makespan = await makespan(service, { complexity: sizes.complexity, rounds: sizes.makespanRounds, nice: WORKER_NICE });
  });
  log(`7. ${sizes.manyTasks} stored tasks`);
  raw.many_tasks = await withService({ MAX_CONCURRENCY: '1', MAX_QUEUED: String(sizes.manyTasks + 1000) }, (service) =>
    manyTasks(service, { tasks: sizes.manyTasks, settleMs: sizes.apiSettleMs }),
  );
  log('1b. BullMQ add-to-start');
  raw.bullmq = await bullmqAddToStart({ concurrency: cpus, latencySamples: sizes.latencySamples });
  log('8. shared mode: control through an API node');
  raw.shared_mode = await sharedModeControl({ rounds: smoke ? 3 : 25 });

  const machine = { cpu_model: cpuList()[0]?.model ?? 'unknown', cpus, node: process.version, platform: process.platform, date: new Date().toISOString(), load_average_1m_at_start: Math.round(loadAtStart * 100) / 100 };
  const metrics = metricRows(raw);
  const results = { smoke, sizes, machine, metrics, raw };
  const table = markdownTable(machine, metrics, smoke);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const name = smoke ? 'smoke' : 'latest';
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(dir, `${name}.md`), table);
  if (!smoke) updateReadme(table);
  console.log(table);
}

/** Replaces the table between the markers in README's Performance section. */
function updateReadme(table) {
  const file = join(ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const pattern = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;
  if (pattern.test(readme)) writeFileSync(file, readme.replace(pattern, `$1${table}$2`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
