// Reports progress in a tight loop for `seconds`, or with `report: false` only
// reaches a checkpoint as often: the same CPU work without the reports, which
// metric 9 compares against.
const { IsBoolean, IsInt, Max, Min } = require('class-validator');

class ProgressFloodInput {
  constructor() {
    this.seconds = 2;
    this.report = true;
  }
}
IsInt()(ProgressFloodInput.prototype, 'seconds');
Min(1)(ProgressFloodInput.prototype, 'seconds');
Max(60)(ProgressFloodInput.prototype, 'seconds');
IsBoolean()(ProgressFloodInput.prototype, 'report');

module.exports = {
  name: 'bench_progress_flood',
  description: 'Calls ctx.progress (or only ctx.checkpoint) in a tight loop for some seconds (benchmark only).',
  input: ProgressFloodInput,
  run(input, ctx) {
    const started = performance.now();
    const until = started + input.seconds * 1000;
    let calls = 0;
    // The clock is read every 256th call: the loop's own cost stays small next to a report's.
    while ((calls & 255) !== 0 || performance.now() < until) {
      if (input.report) ctx.progress(calls % 100, { calls });
      else ctx.checkpoint();
      calls++;
    }
    return { calls, calls_per_s: Math.round(calls / ((performance.now() - started) / 1000)) };
  },
};
