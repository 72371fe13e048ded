import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { appConfig, type AppConfig } from '../config/app-config';
import type { TaskRecord } from '../tasks/task';
import { DomainError, InvalidTransitionError, TaskNotFoundError, WorkerUnreachableError } from '../tasks/task-errors';
import type { ErrorInfo, WorkerStatus } from '../workers/worker-protocol';
import { createRedisClient } from './redis-client';

/** What one node asks the node that runs a task. */
export type ControlRequest =
  | { op: 'status'; task_id: string }
  | { op: 'control'; task_id: string; action: 'pause' | 'resume' }
  | { op: 'terminate'; task_id: string; graceful: boolean; reason: ErrorInfo };

type Envelope = ControlRequest & { id: string; reply_to: string };
type Reply = { id: string; ok: true; value: TaskRecord | WorkerStatus | null } | { id: string; ok: false; error: RemoteError };
interface RemoteError {
  code: string;
  message: string;
  status?: TaskRecord['status'];
}

export type ControlHandler = (request: ControlRequest) => Promise<TaskRecord | WorkerStatus | null>;

/** Long enough for a graceful pause (which waits up to 1 s to park), short enough to fail visibly. */
const REPLY_TIMEOUT_MS = 3000;

/**
 * Request and reply between nodes over Redis pub/sub: each node listens on its
 * own channel, so control reaches the one node that runs the task.
 */
@Injectable()
export class ControlBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ControlBus.name);
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly pending = new Map<string, { settle: (reply: Reply) => void; timer: NodeJS.Timeout }>();
  private handler: ControlHandler | null = null;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {
    // The subscriber waits out outages (ioredis subscribes again on reconnect); requests fail fast.
    this.subscriber = createRedisClient(config.redisUrl, 'patient', 'control-in');
    this.publisher = createRedisClient(config.redisUrl, 'fail-fast', 'control-out');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (channel, raw) => void this.receive(channel, raw));
    await this.subscriber.subscribe(this.channel('control', this.config.nodeId), this.channel('reply', this.config.nodeId));
  }

  onApplicationShutdown(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  /** Serves requests addressed to this node. */
  serve(handler: ControlHandler): void {
    this.handler = handler;
  }

  async request(node: string, request: ControlRequest): Promise<TaskRecord | WorkerStatus | null> {
    const id = randomUUID();
    const reply = new Promise<Reply>((settle) => {
      const timer = setTimeout(() => this.settle({ id, ok: false, error: timeoutError(node) }), REPLY_TIMEOUT_MS);
      this.pending.set(id, { settle, timer });
    });
    const envelope: Envelope = { ...request, id, reply_to: this.config.nodeId };
    let listeners: number;
    try {
      listeners = await this.publisher.publish(this.channel('control', node), JSON.stringify(envelope));
    } catch (error) {
      listeners = -1;
      this.settle({ id, ok: false, error: { code: 'WORKER_UNREACHABLE', message: (error as Error).message } });
    }
    if (listeners === 0) this.settle({ id, ok: false, error: { code: 'WORKER_UNREACHABLE', message: `node ${node} is not listening` } });
    const answer = await reply;
    if (answer.ok) return answer.value;
    throw toDomainError(request, answer.error);
  }

  private async receive(channel: string, raw: string): Promise<void> {
    let message: Envelope | Reply;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (channel === this.channel('reply', this.config.nodeId)) return this.settle(message as Reply);
    const request = message as Envelope;
    if (!this.handler || typeof request.id !== 'string' || typeof request.reply_to !== 'string') return;
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, value: await this.handler(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: toRemoteError(error) };
    }
    await this.publisher
      .publish(this.channel('reply', request.reply_to), JSON.stringify(reply))
      .catch((error) => this.logger.warn(`could not answer ${request.reply_to}: ${error.message}`));
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply?.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    clearTimeout(waiting.timer);
    waiting.settle(reply);
  }

  private channel(kind: 'control' | 'reply', node: string): string {
    return `${this.config.redisPrefix}:${kind}:${node}`;
  }
}

function timeoutError(node: string): RemoteError {
  return { code: 'WORKER_UNREACHABLE', message: `node ${node} did not answer within ${REPLY_TIMEOUT_MS} ms` };
}

function toRemoteError(error: unknown): RemoteError {
  if (error instanceof InvalidTransitionError) return { code: error.code, message: error.message, status: error.current };
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL_ERROR', message: 'the node could not carry out the request' };
}

function toDomainError(request: ControlRequest, error: RemoteError): DomainError {
  const action = request.op === 'control' ? request.action : request.op;
  if (error.code === 'INVALID_STATE' && error.status) return new InvalidTransitionError(request.task_id, error.status, action);
  if (error.code === 'TASK_NOT_FOUND') return new TaskNotFoundError(request.task_id);
  return new WorkerUnreachableError(request.task_id, error.message);
}
