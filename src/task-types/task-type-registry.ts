import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { fieldProblems } from '../common/field-problems';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appConfig, InvalidConfigError, type AppConfig } from '../config/app-config';
import { InvalidTaskDataError, UnknownTaskTypeError } from '../tasks/task-errors';
import { loadTaskTypeModule } from './load-task-type';
import type { TaskTypeDefinition } from './task-type';

const BUILT_IN_NAMES = ['process-data', 'generate-report', 'cpu-intensive'];
export const BUILT_IN_TASK_MODULES = BUILT_IN_NAMES.map((name) => require.resolve(`./${name}`));
/** Built-ins keep `run` in a module of its own, which spares workers their DTOs' Swagger and class-validator. */
const BUILT_IN_HANDLERS = new Map(BUILT_IN_NAMES.map((name) => [require.resolve(`./${name}`), require.resolve(`./${name}.handler`)]));

export interface RegisteredTaskType {
  definition: TaskTypeDefinition;
  /** The compiled module that defines the type. */
  modulePath: string;
  /** The compiled module a worker loads to run the handler. */
  handlerPath: string;
}

export type JsonSchema = Record<string, unknown>;

/** The types clients may name. Built in, plus every `.js` module in TASKS_DIR. */
@Injectable()
export class TaskTypeRegistry {
  private readonly logger = new Logger(TaskTypeRegistry.name);
  private readonly types = new Map<string, RegisteredTaskType>();
  private schemas: Record<string, JsonSchema> = {};

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {
    for (const modulePath of BUILT_IN_TASK_MODULES) this.register(modulePath);
    // The operator's modules are configuration: a broken one stops start-up with a message naming it.
    for (const modulePath of config.tasksDirs.flatMap(listModules)) {
      try {
        this.register(modulePath);
      } catch (error) {
        throw new InvalidConfigError(`TASKS_DIR: ${(error as Error).message}`);
      }
    }
  }

  private register(modulePath: string): void {
    const definition = loadTaskTypeModule(modulePath);
    const clash = this.types.get(definition.name);
    if (clash) throw new Error(`task type ${definition.name} is defined twice: ${clash.modulePath} and ${modulePath}`);
    this.types.set(definition.name, { definition, modulePath, handlerPath: BUILT_IN_HANDLERS.get(modulePath) ?? modulePath });
    if (!BUILT_IN_TASK_MODULES.includes(modulePath)) this.logger.log(`registered task type ${definition.name} from ${modulePath}`);
  }

  names(): string[] {
    return [...this.types.keys()];
  }

  all(): RegisteredTaskType[] {
    return [...this.types.values()];
  }

  get(name: string): RegisteredTaskType {
    const found = this.types.get(name);
    if (!found) throw new UnknownTaskTypeError(name, this.names());
    return found;
  }

  /** Validates `task_data` against the type's DTO and returns it with defaults filled in. */
  parseInput(name: string, data: Record<string, unknown>): Record<string, unknown> {
    const { definition } = this.get(name);
    const input = plainToInstance(definition.input, data, { exposeDefaultValues: true });
    const errors = validateSync(input as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
    if (errors.length > 0) throw new InvalidTaskDataError(name, fieldProblems(errors, 'task_data'));
    return { ...(input as Record<string, unknown>) };
  }

  /** Schemas of the input DTOs, taken from the OpenAPI document so both always agree. */
  attachSchemas(schemas: Record<string, JsonSchema>): void {
    this.schemas = schemas;
  }

  describe() {
    return this.all().map(({ definition }) => ({
      name: definition.name,
      description: definition.description,
      default_timeout_ms: definition.defaultTimeoutMs ?? this.config.defaultTimeoutMs,
      retry_safe: definition.retrySafe === true,
      input_schema: this.schemas[definition.input.name] ?? {},
      defaults: { ...new definition.input() },
    }));
  }

  /** False for unknown types: running something twice needs the type's word that it is harmless. */
  isRetrySafe(name: string): boolean {
    return this.types.get(name)?.definition.retrySafe === true;
  }

  timeoutOf(name: string): number {
    return this.get(name).definition.defaultTimeoutMs ?? this.config.defaultTimeoutMs;
  }
}

/** Task types are the `.js` files at the top of the folder; helpers may live in subfolders. */
function listModules(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (error) {
    throw new InvalidConfigError(`TASKS_DIR: folder ${dir} cannot be read: ${(error as Error).message}`);
  }
  return files
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => join(dir, file));
}
