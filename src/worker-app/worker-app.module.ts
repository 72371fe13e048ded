import { Module, type DynamicModule } from '@nestjs/common';
import { ControlController, WORKER_TOKEN, WorkerTokenGuard, type WorkerToken } from './control.controller';
import { RunControl } from './run-control';

/** The worker's control micro-app: one controller, nothing of the API's module graph. */
@Module({})
export class WorkerAppModule {
  static forRun(control: RunControl, token: WorkerToken): DynamicModule {
    return {
      module: WorkerAppModule,
      controllers: [ControlController],
      providers: [
        { provide: RunControl, useValue: control },
        { provide: WORKER_TOKEN, useValue: token },
        WorkerTokenGuard,
      ],
    };
  }
}
