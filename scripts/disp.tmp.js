const cp = require('child_process'); const orig = cp.spawn;
let profile = false;
cp.spawn = (cmd, args, opts) => orig(cmd, [...(profile && args[0].endsWith('main.js') ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-api'] : []), ...args], opts);
const Database = require('better-sqlite3');
const { mkdtempSync } = require('fs'); const { join } = require('path'); const { tmpdir } = require('os');
const { randomUUID } = require('crypto');
const { BenchService } = require('../bench/bench-service');
(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'disp-'));
  let s = await BenchService.start({ DATA_DIR: dataDir, MAX_CONCURRENCY: '2', WORKER_POOL_MIN: '2' });
  s.dataDir = '/nonexistent'; await s.child.kill('SIGTERM'); await s.exited;
  const file = require('fs').readdirSync(dataDir).find(f => f.endsWith('.db') || f.endsWith('.sqlite'));
  const db = new Database(join(dataDir, file));
  const ins = db.prepare(`INSERT INTO tasks (task_id, task_type, status, task_data, priority, timeout_ms, created_at) VALUES (?, 'bench_noop', 'queued', '{}', 0, 60000, ?)`);
  db.transaction(() => { for (let i = 0; i < 4000; i++) ins.run(randomUUID(), new Date().toISOString()); })();
  db.close();
  profile = true;
  s = await BenchService.start({ DATA_DIR: dataDir, MAX_CONCURRENCY: '2', WORKER_POOL_MIN: '2' });
  for (;;) { const r = await s.request('GET', '/tasks?status=queued&limit=1'); if (r.body.tasks.length === 0) break; await new Promise(r => setTimeout(r, 200)); }
  await new Promise(r => setTimeout(r, 500));
  const db2 = new Database(join(dataDir, file), { readonly: true });
  const row = db2.prepare(`SELECT MIN(started_at) a, MAX(finished_at) b, COUNT(*) n FROM tasks WHERE status='completed'`).get();
  const secs = (Date.parse(row.b) - Date.parse(row.a)) / 1000;
  console.log(row, 'tasks/s', Math.round(row.n / secs));
  await s.stop();
})();
