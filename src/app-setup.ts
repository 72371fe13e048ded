import type { DynamicModule, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { durableReplies } from './common/durable-replies.middleware';
import { StablePrototypeExpressAdapter } from './common/stable-prototype-express-adapter';
import { createValidationPipe } from './common/validation.pipe';
import { TASK_STORE, type TaskStore } from './store/task-store';
import { TaskTypeRegistry } from './task-types/task-type-registry';

export const MAX_BODY = '1mb';

/** The API's Nest app on Express, as the server runs it and the spec writer builds it; `configureApp` parses bodies. */
export function createApiApp(module: DynamicModule, logger: LogLevel[] | false): Promise<NestExpressApplication> {
  return NestFactory.create<NestExpressApplication>(module, new StablePrototypeExpressAdapter(), { bodyParser: false, logger });
}

/** Everything the API needs beside its modules; shared by the server and the spec writer. */
export function configureApp(app: NestExpressApplication): OpenAPIObject {
  app.use(durableReplies(app.get<TaskStore>(TASK_STORE)));
  app.useBodyParser('json', { limit: MAX_BODY });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  app.disable('x-powered-by');
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const registry = app.get(TaskTypeRegistry);
  const inputs = registry.all().map((t) => t.definition.input);
  const config = new DocumentBuilder()
    .setTitle('nest-task-runner')
    .setDescription(
      'Runs long jobs, each in its own worker process, and controls them while they run: list, inspect, pause, resume, terminate.',
    )
    .setVersion('0.1.0')
    .addTag('tasks', 'Submit, list, inspect, pause, resume and terminate tasks')
    .addTag('task-types', 'What can be run, with the schema of its task_data')
    .addTag('workers', 'The live worker processes')
    .addTag('health', 'For load balancers and orchestrators')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: inputs });
  const schemas = document.components!.schemas! as Record<string, Record<string, unknown>>;
  registry.attachSchemas(schemas);
  // task_data is one of the registered types' inputs; which one follows from task_type.
  const taskData = (schemas.CreateTaskDto.properties as Record<string, Record<string, unknown>>).task_data;
  taskData.oneOf = inputs.map((input) => ({ $ref: getSchemaPath(input) }));
  return document;
}
