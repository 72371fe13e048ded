import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { appConfig, type AppConfig } from '../config/app-config';
import { WorkerSupervisor } from '../workers/worker-supervisor';
import type { NodeDirectory, NodeView } from './node-directory';

const STARTED_AT = new Date(Date.now() - process.uptime() * 1000).toISOString();

/** This process's own view of itself as a node. */
@Injectable()
export class LocalNodeDirectory implements NodeDirectory {
  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly supervisor: WorkerSupervisor,
  ) {}

  async list(): Promise<NodeView[]> {
    return [this.self()];
  }

  self(): NodeView {
    return {
      node: this.config.nodeId,
      role: this.config.role,
      host: hostname(),
      pid: process.pid,
      started_at: STARTED_AT,
      seen_at: new Date().toISOString(),
      max_concurrency: this.config.role === 'api' ? 0 : this.config.maxConcurrency,
      workers: this.supervisor.list(),
    };
  }
}
