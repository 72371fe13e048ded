import type { WorkerView } from '../workers/worker-supervisor';

/** Injection token of the NodeDirectory port. */
export const NODE_DIRECTORY = Symbol('NODE_DIRECTORY');

export interface NodeView {
  node: string;
  role: 'all' | 'api' | 'worker';
  host: string;
  pid: number;
  started_at: string;
  /** When the node last reported; a node that stops reporting drops out of the list. */
  seen_at: string;
  max_concurrency: number;
  workers: WorkerView[];
}

/** The nodes that serve this service: this process alone, or every live node on the shared Redis. */
export interface NodeDirectory {
  list(): Promise<NodeView[]>;
}
