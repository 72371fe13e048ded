import { Inject, Injectable } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { WorkerProcess, type WorkerProcessEvents } from './worker-process';

/** Starts worker processes; a seam so the supervisor's policy can be tested with fake children. */
@Injectable()
export class WorkerLauncher {
  constructor(@Inject(appConfig.KEY) private readonly config: Pick<AppConfig, 'workerEnvExclude'>) {}

  launch(events: WorkerProcessEvents): WorkerProcess {
    return WorkerProcess.fork(events, { envExclude: this.config.workerEnvExclude });
  }
}
