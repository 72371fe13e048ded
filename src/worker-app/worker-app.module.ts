import { Module, type DynamicModule } from '@nestjs/common';
import { ControlController, WORKER_TOKEN, WorkerTokenGuard, type WorkerToken } from './control.controller';
import { WorkerHost } from './worker-host';

/** The worker's control micro-app: one controller, nothing of the API's module graph. */
@Module({})
export class WorkerAppModule {
  static forHost(host: WorkerHost, token: WorkerToken): DynamicModule {
    return {
      module: WorkerAppModule,
      controllers: [ControlController],
      providers: [
        { provide: WorkerHost, useValue: host },
        { provide: WORKER_TOKEN, useValue: token },
        WorkerTokenGuard,
      ],
    };
  }
}
