import { Injectable } from '@nestjs/common';
import { WorkerProcess, type WorkerProcessEvents } from './worker-process';

/** Starts worker processes; a seam so the supervisor's policy can be tested with fake children. */
@Injectable()
export class WorkerLauncher {
  launch(events: WorkerProcessEvents): WorkerProcess {
    return WorkerProcess.fork(events);
  }
}
