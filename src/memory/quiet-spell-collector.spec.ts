import { QUIET_UTILIZATION, QuietSpellCollector, type MemoryProbes } from './quiet-spell-collector';

const MB = 1024 * 1024;
const GROWTH_WORTH_COLLECTING = 16 * MB;

describe('QuietSpellCollector', () => {
  let utilization: number;
  let committed: number;
  let collections: number;
  let collector: QuietSpellCollector;
  let probes: MemoryProbes;

  beforeEach(() => {
    utilization = 0.5;
    committed = 60 * MB;
    collections = 0;
    probes = {
      utilizationSinceLast: () => utilization,
      heapCommitted: () => committed,
      // A full collection gives back most of what the burst grew.
      collect: () => ((collections += 1), (committed = 70 * MB)),
    };
    collector = new QuietSpellCollector(probes, GROWTH_WORTH_COLLECTING);
  });

  it('collects once a burst that grew the heap is over, and not again until the heap grows again', () => {
    committed = 130 * MB;
    expect(collector.check()).toBe(false); // still busy
    utilization = QUIET_UTILIZATION / 2;
    expect(collector.check()).toBe(true);
    expect(collections).toBe(1);
    expect(collector.check()).toBe(false);

    committed = 70 * MB + GROWTH_WORTH_COLLECTING - 1;
    expect(collector.check()).toBe(false);
    committed = 70 * MB + GROWTH_WORTH_COLLECTING;
    expect(collector.check()).toBe(true);
    expect(collections).toBe(2);
  });

  it('never collects while the event loop is busier than quiet, however much the heap grew', () => {
    committed = 500 * MB;
    utilization = QUIET_UTILIZATION;
    for (let i = 0; i < 10; i++) expect(collector.check()).toBe(false);
    expect(collections).toBe(0);
  });

  it('leaves a quiet process alone when its heap has not grown by enough', () => {
    utilization = 0;
    committed = 60 * MB + GROWTH_WORTH_COLLECTING - 1;
    expect(collector.check()).toBe(false);
    expect(collections).toBe(0);
  });

  it('counts growth from what V8 gave back on its own', () => {
    utilization = 0;
    committed = 40 * MB; // V8's memory reducer ran
    expect(collector.check()).toBe(false);
    committed = 40 * MB + GROWTH_WORTH_COLLECTING;
    expect(collector.check()).toBe(true);
  });

  it('never collects when set to 0 (IDLE_COMPACT_MB=0), nor reads the process to decide', () => {
    const never = new QuietSpellCollector(probes, 0);
    const utilizationReads = jest.spyOn(probes, 'utilizationSinceLast');
    const heapReads = jest.spyOn(probes, 'heapCommitted');
    utilization = 0;
    committed = 500 * MB;
    expect(never.check()).toBe(false);
    expect(collections).toBe(0);
    expect(utilizationReads).not.toHaveBeenCalled();
    expect(heapReads).not.toHaveBeenCalled();
  });
});
