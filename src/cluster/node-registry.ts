import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { once } from 'node:events';
import { appConfig, type AppConfig } from '../config/app-config';
import { LocalNodeDirectory } from '../nodes/local-node-directory';
import type { NodeDirectory, NodeView } from '../nodes/node-directory';
import { StoreUnavailableError } from '../tasks/task-errors';
import { createRedisClient } from './redis-client';

export const HEARTBEAT_MS = 2000;
/** A node silent this long is gone: its tasks are recovered elsewhere. */
export const NODE_TTL_MS = 10000;
/**
 * A node that could not report for this long stops its workers: the others
 * are about to give their tasks up. Timed from the last report that reached
 * Redis, not from a heartbeat tick, so it comes at least 2 s before expiry.
 */
const FENCE_AFTER_MS = 8000;
const FIRST_REPORT_WAIT_MS = 3000;

/**
 * Every node reports itself (and its workers) to Redis every 2 s with a 10 s
 * expiry. A node is alive while its report has not expired.
 */
@Injectable()
export class NodeRegistry implements NodeDirectory, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NodeRegistry.name);
  private readonly redis: Redis;
  private timer?: NodeJS.Timeout;
  private fenceTimer?: NodeJS.Timeout;
  private lastReport = Date.now();
  private reportingSince: number | null = null;
  private fenced = false;
  private readonly fenceListeners: (() => void)[] = [];

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly self: LocalNodeDirectory,
  ) {
    this.redis = createRedisClient(config.redisUrl, 'fail-fast', 'nodes');
  }

  /** Reports once before the node counts as started, so it is listed (and routable) from the start. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.redis.status !== 'ready') {
      // Redis away at start-up: start anyway, and report once it answers.
      await once(this.redis, 'ready', { signal: AbortSignal.timeout(FIRST_REPORT_WAIT_MS) }).catch(() => undefined);
    }
    this.armFence();
    await this.report();
    this.timer = setInterval(() => void this.report(), HEARTBEAT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.fenceTimer);
    // Leaving at once lets other nodes recover nothing (our tasks are finished) and route nothing here.
    await this.redis.multi().del(this.key(this.config.nodeId)).zrem(this.nodesKey, this.config.nodeId).exec().catch(() => undefined);
    this.redis.disconnect();
  }

  /** Called when this node lost Redis long enough that its tasks are being recovered elsewhere. */
  onFenced(listener: () => void): void {
    this.fenceListeners.push(listener);
  }

  /**
   * How long this node has reported without a gap. Another node's silence
   * proves nothing until we have been listening longer than the expiry.
   */
  reportingForMs(): number {
    return this.reportingSince === null ? 0 : Date.now() - this.reportingSince;
  }

  async aliveAmong(nodes: string[]): Promise<Set<string>> {
    if (nodes.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const node of nodes) pipeline.exists(this.key(node));
    const results = await pipeline.exec();
    return new Set(nodes.filter((_, i) => results?.[i]?.[1] === 1));
  }

  async isAlive(node: string): Promise<boolean> {
    return (await this.aliveAmong([node])).has(node);
  }

  async list(): Promise<NodeView[]> {
    try {
      const ids = await this.redis.zrangebyscore(this.nodesKey, Date.now() - NODE_TTL_MS, '+inf');
      if (ids.length === 0) return [];
      const reports = await this.redis.mget(ids.map((id) => this.key(id)));
      return reports.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as NodeView);
    } catch (error) {
      throw new StoreUnavailableError((error as Error).message);
    }
  }

  private async report(): Promise<void> {
    const view = this.self.self();
    try {
      await this.redis
        .multi()
        .set(this.key(view.node), JSON.stringify(view), 'PX', NODE_TTL_MS)
        .zadd(this.nodesKey, Date.now(), view.node)
        .zremrangebyscore(this.nodesKey, '-inf', Date.now() - 10 * NODE_TTL_MS)
        .exec();
      this.lastReport = Date.now();
      this.reportingSince ??= this.lastReport;
      this.fenced = false;
      this.armFence();
    } catch {
      this.reportingSince = null;
      if (Date.now() - this.lastReport > FENCE_AFTER_MS) this.fence();
    }
  }

  private armFence(): void {
    clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(() => this.fence(), FENCE_AFTER_MS);
    this.fenceTimer.unref();
  }

  private fence(): void {
    if (this.fenced) return;
    this.fenced = true;
    this.logger.warn(`no heartbeat reached Redis for ${FENCE_AFTER_MS} ms: stopping this node's workers`);
    for (const listener of this.fenceListeners) listener();
  }

  private key(node: string): string {
    return `${this.config.redisPrefix}:node:${node}`;
  }

  private get nodesKey(): string {
    return `${this.config.redisPrefix}:nodes`;
  }
}
