/** Turns raw measurements into rows with their goals, and rows into the markdown table. */

const row = (id, metric, value, goal, pass) => ({ id, metric, value, goal, pass });
const pct = (s) => `p50 ${s.p50} / p99 ${s.p99}`;
const serviceCpu = ({ cpu_us_per_task: c }) => `${c.api} + ${c.workers} (${c.client})`;
const peerCpu = ({ cpu_us_per_task: c }) => `${c.redis} + ${c.producer_and_worker} + ${c.children}`;

/** How many of the paired runs (the service's i-th against BullMQ's i-th) the service won. */
const pairsWon = (ours, theirs) => ours.runs.filter((rate, i) => rate >= theirs.runs[i]).length;

function metricRows(raw) {
  const load = raw.under_load;
  const boot = raw.cold_boot;
  const many = raw.many_tasks;
  const t = raw.throughput;
  const { quiet, flood, progress_write_ms: writeMs } = raw.progress_flood;
  return [
    row('1', 'submit → handler start, idle service, warm pool (ms)', pct(raw.submit_to_start_ms), 'p50 ≤ 5', raw.submit_to_start_ms.p50 <= 5),
    row('1b', 'BullMQ queue.add → processor start, same run (ms)', pct(raw.bullmq.add_to_start_ms), 'reference', null),
    row('2', `no-op tasks/s through the HTTP API, concurrency = CPUs, in batches of 500 (POST /tasks/batch); median of ${t.rounds} runs in turns with BullMQ's`, `${t.service_batched.per_s} (BullMQ ${t.bullmq_bulk.per_s} with addBulk; ahead in ${pairsWon(t.service_batched, t.bullmq_bulk)} of ${t.rounds} pairs)`, '≥ BullMQ', t.service_batched.per_s >= t.bullmq_bulk.per_s),
    row('2b', 'the same, one POST /tasks per task from 16 clients', `${t.service_single.per_s} (BullMQ ${t.bullmq_single.per_s} with one add per job from 16 clients; ahead in ${pairsWon(t.service_single, t.bullmq_single)} of ${t.rounds} pairs)`, '≥ BullMQ', t.service_single.per_s >= t.bullmq_single.per_s),
    row('2c', 'CPU per task in those runs, median (µs): the service (API + workers, and the benchmark\'s HTTP clients) against BullMQ (Redis + the producer and Worker + sandbox children)', `in batches ${serviceCpu(t.service_batched)} against ${peerCpu(t.bullmq_bulk)}; singly ${serviceCpu(t.service_single)} against ${peerCpu(t.bullmq_single)}`, 'reference', null),
    row('3', 'cold child boot, fork → control server ready (ms)', pct(boot.boot_ms), 'p50 ≤ 200', boot.boot_ms.p50 <= 200),
    row('3r', 'bare fork → first IPC message of an empty child, same environment, just before each boot (ms)', pct(boot.bare_fork_ms), 'reference', null),
    ...(boot.inherited_boot_ms ? [row('3n', `the same boot with the machine's ${boot.inherited_env.join(', ')}, which the benchmark's workers are started without (WORKER_ENV_EXCLUDE), right after each (ms)`, pct(boot.inherited_boot_ms), 'reference', null)] : []),
    row('3b', 'idle child RSS 1 s after ready (MB) [PSS]', `${boot.idle_rss_mb.p50} [${boot.idle_pss_mb.p50}]`, '≤ 60', boot.idle_rss_mb.p50 <= 60),
    row('3c', `idle child RSS ${boot.settle_ms / 1000} s after ready (MB)`, `p50 ${boot.settled_idle_rss_mb.p50} / max ${boot.settled_idle_rss_mb.p99}`, '≤ 60', boot.settled_idle_rss_mb.p99 <= 60),
    row('3d', `idle child RSS ${raw.idle_after_work.settle_ms / 1000} s after the throughput run (MB); ${raw.idle_after_work.replaced} of ${raw.idle_after_work.rss_mb.n} replaced as worn`, `p50 ${raw.idle_after_work.rss_mb.p50} / max ${raw.idle_after_work.rss_mb.p99}`, '≤ 60', raw.idle_after_work.rss_mb.p99 <= 60),
    row('3e', `idle child RSS ${raw.idle_after_light_work.settle_ms / 1000} s after metric 1's tasks, too few to be replaced (MB); ${raw.idle_after_light_work.replaced} of ${raw.idle_after_light_work.rss_mb.n} replaced`, `p50 ${raw.idle_after_light_work.rss_mb.p50} / max ${raw.idle_after_light_work.rss_mb.p99}`, '≤ 60', raw.idle_after_light_work.rss_mb.p99 <= 60),
    row('4', 'GET /tasks/{id} at 500 req/s, every core busy (ms)', pct(load.get_task_ms), 'p99 ≤ 10', load.get_task_ms.p99 <= 10),
    row('5a', 'pause: request → parked (ms)', pct(load.pause_ms), 'p99 ≤ 100', load.pause_ms.p99 <= 100),
    row('5b', 'resume: request → running (ms)', pct(load.resume_ms), 'p99 ≤ 100', load.resume_ms.p99 <= 100),
    row('5c', 'worker /status via GET ?detail=true, handler spinning (ms)', pct(load.worker_status_ms), 'p99 ≤ 50', load.worker_status_ms.p99 <= 50),
    row('6', `two cpu_intensive at once vs one alone (makespan ratio, median of ${raw.makespan.rounds.length} round${raw.makespan.rounds.length === 1 ? '' : 's'})`, `${raw.makespan.ratio} (${raw.makespan.pair_ms} / ${raw.makespan.alone_ms} ms; rounds ${raw.makespan.rounds.map((r) => r.ratio).join(', ')})`, '≤ 1.15', raw.makespan.ratio <= 1.15),
    row('6r', 'the same handler in bare Node processes at the same priority, no service, in the same rounds', `${raw.makespan.bare_ratio} (rounds ${raw.makespan.rounds.map((r) => r.bare.ratio).join(', ')})`, 'reference', null),
    row('7a', `GET /tasks page with ${many.stored} stored tasks (ms)`, pct(many.page_ms), 'p99 ≤ 20', many.page_ms.p99 <= 20),
    row('7b', `API RSS growth after ${many.stored} tasks, 1 s after the last (MB)`, `${many.rss_growth_mb} (${many.rss_before_mb} → ${many.rss_after_mb})`, '≤ 50', many.rss_growth_mb <= 50),
    row('7c', `the same, settled: lowest in the ${many.settle_ms / 1000} s after the page reads (MB)`, `${many.settled_rss_growth_mb} (→ ${many.settled_rss_mb})`, '≤ 50', many.settled_rss_growth_mb <= 50),
    row('8', 'shared mode: pause of a task on a worker node, sent to the API node, request → parked (ms)', pct(raw.shared_mode.pause_ms), 'p99 ≤ 200', raw.shared_mode.pause_ms.p99 <= 200),
    row('8b', 'shared mode: resume / ?detail=true through the API node (ms)', `${pct(raw.shared_mode.resume_ms)}; ${pct(raw.shared_mode.detail_ms)}`, 'p99 ≤ 200', Math.max(raw.shared_mode.resume_ms.p99, raw.shared_mode.detail_ms.p99) <= 200),
    row('9', 'progress flood: ctx.progress calls per second of a handler calling it in a tight loop', flood.handler_calls_per_s.toLocaleString('en'), '≥ 100,000', flood.handler_calls_per_s >= 100_000),
    row('9b', `GET /tasks/{id} at ${raw.progress_flood.rate} req/s through the flood (ms); the same loop without reports`, `${pct(flood.get_task_ms)}; ${pct(quiet.get_task_ms)}`, 'p99 ≤ 10', flood.get_task_ms.p99 <= 10),
    row('9c', 'API CPU through the flood, no requests (ms per s); the same loop without reports', `${flood.api_cpu_ms_per_s}; ${quiet.api_cpu_ms_per_s}`, 'reference', null),
    row('9d', 'progress writes to the store through the flood, as the GETs saw the stored value change', `${flood.stored_changes} in ${flood.request_s} s`, `one per PROGRESS_WRITE_MS (${writeMs} ms)`, flood.stored_changes <= Math.floor((flood.request_s * 1000) / writeMs) + 1),
  ];
}

function markdownTable(machine, rows, smoke) {
  const mark = (pass) => (pass === null ? '–' : pass ? 'met' : '**not met**');
  const lines = [
    `${smoke ? 'Smoke run (tiny sizes, not comparable), ' : ''}${machine.date.slice(0, 16).replace('T', ' ')} UTC, ${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, ${machine.platform}, load average ${machine.load_average_1m_at_start} at start`,
    '',
    '| # | metric | measured | goal | |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.id} | ${r.metric} | ${r.value} | ${r.goal} | ${mark(r.pass)} |`),
  ];
  return lines.join('\n') + '\n';
}

module.exports = { metricRows, markdownTable };
