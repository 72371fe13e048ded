import { BadRequestException, ConflictException, Body, CanActivate, Controller, ExecutionContext, Get, HttpCode, Inject, Injectable, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WORKER_TOKEN_HEADER, type WorkerStatus } from '../workers/worker-protocol';
import { RunControl, type ControlledRun } from './run-control';

export const WORKER_TOKEN = Symbol('WORKER_TOKEN');

/** The worker's secret; null until the supervisor has sent it, and until then every request is refused. */
export interface WorkerToken {
  value: string | null;
}

/** How long `POST /control` waits for the handler to park before answering. */
const PARK_WAIT_MS = 1000;
/** How long a request waits, with no task on the board, for the one the supervisor has just sent to begin. */
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

  private async run(): Promise<ControlledRun> {
    const run = await this.runs.runSoon(BEGIN_WAIT_MS);
    if (!run) throw new ConflictException('this worker runs no task');
    return run;
  }

  @Get('status')
  async status(): Promise<WorkerStatus> {
    return (await this.run()).status();
  }

  @Post('control')
  @HttpCode(200)
  async control(@Body() body: { action?: unknown }): Promise<WorkerStatus> {
    if (body?.action !== 'pause' && body?.action !== 'resume') throw new BadRequestException('action must be pause or resume');
    const run = await this.run();
    if (body.action === 'pause') await run.pause(PARK_WAIT_MS);
    else run.resume();
    return run.status();
  }

  @Post('terminate')
  @HttpCode(202)
  async terminate(): Promise<WorkerStatus> {
    const run = await this.run();
    run.terminate();
    return run.status();
  }
}
