import { Service } from './service';

/** The API gives back what a burst of requests grew once it is quiet (MemoryModule, IDLE_COMPACT_MB). */
describe('memory after a burst', () => {
  let service: Service;

  beforeAll(async () => {
    // A threshold low enough that a few hundred requests cross it.
    service = await Service.start({ IDLE_COMPACT_MB: '1', LOG_LEVEL: 'debug', MAX_CONCURRENCY: '1' });
  });
  afterAll(() => service.stop());

  it('compacts the heap once the burst is over, and V8 then holds less than before', async () => {
    // The one slot held, the burst's tasks stay queued and nothing but the burst keeps the API busy.
    const blocker = await service.submit('fixture_hang');
    await service.waitForStatus(blocker.task_id, 'running');
    const submits = Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 40; i++) expect((await service.request('POST', '/tasks', { task_type: 'fixture_module_counter', task_data: { delay_ms: 1 } })).status).toBe(201);
    });
    await Promise.all(submits);
    const [, before, after] = await service.waitForLog(/quiet after a burst: compacted the heap, ([\d.]+) -> ([\d.]+) MB/, 10_000);
    expect(Number(after)).toBeLessThan(Number(before));
  });
});
