const { spawn } = require('node:child_process');
const http = require('node:http');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { sleep } = require('./stats');

const ROOT = join(__dirname, '..');
/** The service's default worker priority (WORKER_NICE), which the benchmark runs with. */
const WORKER_NICE = 10;
/** The service's default PROGRESS_WRITE_MS, set explicitly: metric 9 counts the store's progress writes against it. */
const PROGRESS_WRITE_MS = 250;
/**
 * Node 20 reads and parses every certificate in NODE_EXTRA_CA_CERTS as each
 * process starts, before any of its code runs; the benchmark's handlers make
 * no TLS connections, so its workers are started without it, as the README
 * advises (row 3n measures cold boots with it).
 */
const WORKER_ENV_EXCLUDE = ['NODE_EXTRA_CA_CERTS'];
/** A task's statuses once it has an outcome. */
const FINISHED = new Set(['completed', 'failed', 'terminated', 'timed_out', 'interrupted']);
/** Keep-alive and node:http rather than fetch: on two cores, fetch's own CPU cost would be taken from the service measured. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** The real compiled service (dist/main.js) on a free port with a throw-away DATA_DIR. */
class BenchService {
  static async start(env = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ntr-bench-'));
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', WORKER_NICE: String(WORKER_NICE), PROGRESS_WRITE_MS: String(PROGRESS_WRITE_MS), WORKER_ENV_EXCLUDE: WORKER_ENV_EXCLUDE.join(','), DATA_DIR: dataDir, NO_COLOR: '1', MONITOR_CRON: '0 0 1 1 *', TASKS_DIR: join(__dirname, 'task-types'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new BenchService(child, dataDir);
    await service.waitForPort();
    return service;
  }

  constructor(child, dataDir) {
    this.child = child;
    this.dataDir = dataDir;
    this.output = '';
    child.stdout.on('data', (c) => (this.output = (this.output + c).slice(-20000)));
    child.stderr.on('data', (c) => (this.output = (this.output + c).slice(-20000)));
    this.exited = new Promise((resolve) => child.on('exit', resolve));
  }

  get pid() {
    return this.child.pid;
  }

  async waitForPort() {
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(this.output);
      if (match) {
        this.baseUrl = `http://127.0.0.1:${match[1]}`;
        return;
      }
      await sleep(20);
    }
    throw new Error(`service did not start:\n${this.output.slice(-2000)}`);
  }

  request(method, path, body) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    return new Promise((resolve, reject) => {
      const request = http.request(this.baseUrl + path, { method, headers, agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null }));
      });
      request.on('error', reject);
      request.end(payload);
    });
  }

  async submit(task_type, task_data = {}, extra = {}) {
    const reply = await this.request('POST', '/tasks', { task_type, task_data, ...extra });
    if (reply.status !== 201) throw new Error(`submit answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** POST /tasks/batch; resolves with the stored tasks in the order sent. */
  async submitBatch(tasks) {
    const reply = await this.request('POST', '/tasks/batch', { tasks });
    if (reply.status !== 201) throw new Error(`batch answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 500)}`);
    return reply.body.tasks;
  }

  async waitFor(taskId, until, timeoutMs = 60000, pollMs = 1) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.request('GET', `/tasks/${taskId}`);
      if (until(body)) return body;
      if (Date.now() > deadline) throw new Error(`task ${taskId} stuck: ${JSON.stringify(body)}`);
      await sleep(pollMs);
    }
  }

  async waitForIdlePool(count) {
    for (let i = 0; i < 2000; i++) {
      const { body } = await this.request('GET', '/workers');
      if (body.workers.filter((w) => w.state === 'idle').length >= count) return;
      await sleep(5);
    }
    throw new Error('pool never became idle');
  }

  async stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

module.exports = { BenchService, ROOT, WORKER_NICE, PROGRESS_WRITE_MS, WORKER_ENV_EXCLUDE, FINISHED, agent };
