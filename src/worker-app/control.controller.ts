import { BadRequestException, ConflictException, Body, CanActivate, Controller, ExecutionContext, Get, Headers, HttpCode, Inject, Injectable, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WORKER_TASK_HEADER, WORKER_TOKEN_HEADER, type WorkerStatus } from '../workers/worker-protocol';
import { RunControl, type ControlledRun } from './run-control';

export const WORKER_TOKEN = Symbol('WORKER_TOKEN');

/** The worker's secret; null until the supervisor has sent it, and until then every request is refused. */
export interface WorkerToken {
  value: string | null;
}

/** How long `POST /control` waits for the handler to park before answering. */
const PARK_WAIT_MS = 1000;
/** How long a request waits for the task it names, which the supervisor has just sent, to begin. */
const BEGIN_WAIT_MS = 500;

@Injectable()
export class WorkerTokenGuard implements CanActivate {
  constructor(@Inject(WORKER_TOKEN) private readonly token: WorkerToken) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = Buffer.from(this.token.value ?? '');
    const given = Buffer.from(String(context.switchToHttp().getRequest<IncomingMessage>().headers[WORKER_TOKEN_HEADER] ?? ''));
    if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedException('missing or wrong worker token');
    }
    return true;
  }
}

/** The worker's own control API, reachable only from this machine and only with its token. */
@Controller()
@UseGuards(WorkerTokenGuard)
export class ControlController {
  constructor(private readonly runs: RunControl) {}

  /** The task the request names (WORKER_TASK_HEADER), while this worker runs it. */
  private async run(taskId: string | undefined): Promise<ControlledRun> {
    if (!taskId) throw new BadRequestException(`the ${WORKER_TASK_HEADER} header names the task asked about`);
    const run = await this.runs.runSoon(taskId, BEGIN_WAIT_MS);
    if (!run) throw new ConflictException(`this worker does not run task ${taskId}`);
    return run;
  }

  @Get('status')
  async status(@Headers(WORKER_TASK_HEADER) taskId?: string): Promise<WorkerStatus> {
    return (await this.run(taskId)).status();
  }

  @Post('control')
  @HttpCode(200)
  async control(@Body() body: { action?: unknown }, @Headers(WORKER_TASK_HEADER) taskId?: string): Promise<WorkerStatus> {
    if (body?.action !== 'pause' && body?.action !== 'resume') throw new BadRequestException('action must be pause or resume');
    const run = await this.run(taskId);
    if (body.action === 'pause') await run.pause(PARK_WAIT_MS);
    else run.resume();
    return run.status();
  }

  @Post('terminate')
  @HttpCode(202)
  async terminate(@Headers(WORKER_TASK_HEADER) taskId?: string): Promise<WorkerStatus> {
    const run = await this.run(taskId);
    run.terminate();
    return run.status();
  }
}
