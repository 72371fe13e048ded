/** Percentiles by nearest rank; the benchmark reports p50 and p99. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(values) {
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), n: values.length };
}

const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of any process, from /proc, in MiB. */
function rssMb(pid, field = 'VmRSS') {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : null;
}

/** A process's /proc stat fields after its name, which may hold spaces: field 14 of proc(5) is [11]. */
function statFields(pid) {
  return require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
}

/** CPU time (user and system) a process has used, from /proc, in ms; Linux counts it in 10 ms ticks. */
function cpuMs(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time (ms) of a process's children: those alive now, and those it has
 * reaped (which Linux adds to the parent's record). Children in `except` and
 * their own children are left out; a child reaped meanwhile is missed for
 * the part it had used before it was read.
 */
function childrenCpuMs(pid, except = []) {
  const fields = statFields(pid);
  let total = (Number(fields[13]) + Number(fields[14])) * 10;
  let children = [];
  try {
    children = require('node:fs').readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {}
  for (const child of children) {
    if (except.includes(child)) continue;
    try {
      total += cpuMs(child);
    } catch {}
  }
  return total;
}

/** This process's own CPU time, in ms. */
function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

module.exports = { percentile, summary, round, nowMs, sleep, rssMb, cpuMs, childrenCpuMs, ownCpuMs };
