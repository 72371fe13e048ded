import { PeakRss } from './peak-rss';

describe('PeakRss', () => {
  it('reads at first, then again only once the interval has passed since the last reading', () => {
    let now = 1000;
    let peak = 50e6;
    const read = jest.fn(() => peak);
    const rss = new PeakRss(read, () => now, 10);

    expect(rss.bytesNow()).toBe(50e6);
    peak = 80e6;
    now += 9.9;
    expect(rss.bytesNow()).toBe(50e6);
    expect(read).toHaveBeenCalledTimes(1);

    now += 0.1;
    expect(rss.bytesNow()).toBe(80e6);
    expect(read).toHaveBeenCalledTimes(2);
    // Measured from the last reading, not from the first.
    now += 9;
    expect(rss.bytesNow()).toBe(80e6);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads the process by default: a peak in bytes at least the current RSS', () => {
    const rss = new PeakRss();
    expect(rss.bytesNow()).toBeGreaterThanOrEqual(process.memoryUsage.rss() * 0.9);
  });
});
