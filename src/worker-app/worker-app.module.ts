import { Module, type DynamicModule } from '@nestjs/common';
import { ControlController, WORKER_TOKEN, WorkerTokenGuard } from './control.controller';
import { TaskRun } from './task-run';

/** The worker's control micro-app: one controller, nothing of the API's module graph. */
@Module({})
export class WorkerAppModule {
  static forRun(run: TaskRun, token: string): DynamicModule {
    return {
      module: WorkerAppModule,
      controllers: [ControlController],
      providers: [
        { provide: TaskRun, useValue: run },
        { provide: WORKER_TOKEN, useValue: token },
        WorkerTokenGuard,
      ],
    };
  }
}
