import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { appConfig, type AppConfig } from '../config/app-config';
import { collectAllGarbage } from './full-collection';
import { QuietSpellCollector, type MemoryProbes } from './quiet-spell-collector';

/** How often it looks: the heap a burst grew is given back within two looks of its end. */
const CHECK_EVERY_MS = 250;

/** The service's own process (API or worker node) gives back what a burst grew, once it is quiet (IDLE_COMPACT_MB). */
@Injectable()
export class IdleCollection {
  private readonly logger = new Logger('Memory');
  private readonly collector: QuietSpellCollector;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.collector = new QuietSpellCollector(processProbes(this.logger), config.idleCompactBytes);
  }

  @Interval(CHECK_EVERY_MS)
  check(): void {
    this.collector.check();
  }
}

function processProbes(logger: Logger): MemoryProbes {
  let last = performance.eventLoopUtilization();
  return {
    utilizationSinceLast: () => {
      const now = performance.eventLoopUtilization();
      const { utilization } = performance.eventLoopUtilization(now, last);
      last = now;
      return utilization;
    },
    heapCommitted,
    collect: () => {
      // The heap V8 holds, not RSS: the pages a compaction empties leave the RSS a moment later.
      const before = heapCommitted();
      collectAllGarbage({ compact: true });
      logger.debug(`quiet after a burst: compacted the heap, ${mb(before)} -> ${mb(heapCommitted())} MB`);
    },
  };
}

function heapCommitted(): number {
  return getHeapStatistics().total_heap_size;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
