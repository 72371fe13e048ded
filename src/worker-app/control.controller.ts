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

  private get run(): ControlledRun {
    const run = this.runs.run;
    if (!run) throw new ConflictException('this worker runs no task');
    return run;
  }

  @Get('status')
  status(): WorkerStatus {
    return this.run.status();
  }

  @Post('control')
  @HttpCode(200)
  async control(@Body() body: { action?: unknown }): Promise<WorkerStatus> {
    const run = this.run;
    if (body?.action === 'pause') await run.pause(PARK_WAIT_MS);
    else if (body?.action === 'resume') run.resume();
    else throw new BadRequestException('action must be pause or resume');
    return run.status();
  }

  @Post('terminate')
  @HttpCode(202)
  terminate(): WorkerStatus {
    const run = this.run;
    run.terminate();
    return run.status();
  }
}
