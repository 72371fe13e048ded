import { registerAs, type ConfigType } from '@nestjs/config';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { CronTime } from 'cron';

const MAX_INT = 2 ** 31 - 1;
const emptyAsUnset = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Every setting the service reads, with its default. Names are the environment variables. */
class Environment {
  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT = 8000;

  @Transform(emptyAsUnset) @IsString() @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(emptyAsUnset) @IsString() @MinLength(1)
  DATA_DIR = './data';

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(1) @Max(1024)
  MAX_CONCURRENCY = availableParallelism();

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(MAX_INT)
  MAX_QUEUED = 10000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  DEFAULT_TIMEOUT_MS = 600000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(600000)
  TERMINATE_GRACE_MS = 5000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(1) @Max(256 * 1024 * 1024)
  MAX_RESULT_BYTES = 1024 * 1024;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  RESULT_TTL_S = 7 * 24 * 3600;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(100) @Max(600000)
  WORKER_BOOT_TIMEOUT_MS = 15000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(60000)
  PROGRESS_WRITE_MS = 250;

  @Transform(emptyAsUnset) @IsString() @MinLength(9)
  MONITOR_CRON = '*/10 * * * * *';

  @Transform(emptyAsUnset) @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @Transform(emptyAsUnset) @IsOptional() @IsString() @MinLength(1)
  TASKS_DIR?: string;

  // Warm worker pool (issue 4).
  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(1024)
  WORKER_POOL_MIN = 1;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_INT)
  MAX_TASKS_PER_WORKER = 10000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(MAX_INT)
  WORKER_REFRESH_AFTER_TASKS = 1000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(32) @Max(1024 * 1024)
  WORKER_MAX_RSS_MB = 512;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(100) @Max(MAX_INT)
  WORKER_IDLE_TIMEOUT_MS = 30000;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(-20) @Max(19)
  WORKER_NICE = 10;

  @Transform(emptyAsUnset) @IsOptional() @Matches(/^\s*[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*$/, { message: 'must be environment variable names separated by commas' })
  WORKER_ENV_EXCLUDE?: string;

  @Transform(emptyAsUnset) @Type(() => Number) @IsInt() @Min(0) @Max(64 * 1024)
  IDLE_COMPACT_MB = 16;

  // Shared mode: several nodes on one Redis.
  @Transform(emptyAsUnset) @IsIn(['embedded', 'bullmq'])
  QUEUE: 'embedded' | 'bullmq' = 'embedded';

  @Transform(emptyAsUnset) @IsIn(['all', 'api', 'worker'])
  ROLE: 'all' | 'api' | 'worker' = 'all';

  @Transform(emptyAsUnset) @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(emptyAsUnset) @Matches(/^[\w{}.-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . - { }' })
  REDIS_PREFIX = 'ntr';

  @Transform(emptyAsUnset) @IsOptional() @Matches(/^[\w.-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . -' })
  NODE_NAME?: string;
}

/** Tells this process apart from a restarted one with the same pid, on any machine. */
const PROCESS_NONCE = randomBytes(3).toString('hex');

export class InvalidConfigError extends Error {}

/** Validates the environment; a bad setting stops start-up with a message naming it. */
export function loadAppConfig(env: Record<string, string | undefined>) {
  const parsed = plainToInstance(Environment, { ...env }, { exposeDefaultValues: true });
  const lines = validateSync(parsed, { whitelist: true }).map(
    (e) => `${e.property}=${JSON.stringify(env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (!isCronExpression(parsed.MONITOR_CRON)) {
    lines.push(`MONITOR_CRON=${JSON.stringify(env.MONITOR_CRON)}: not a cron expression`);
  }
  if (parsed.QUEUE === 'embedded' && parsed.ROLE !== 'all') {
    lines.push(`ROLE=${JSON.stringify(env.ROLE)}: roles other than "all" need QUEUE=bullmq`);
  }
  if (lines.length > 0) {
    throw new InvalidConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: resolve(parsed.DATA_DIR),
    maxConcurrency: parsed.MAX_CONCURRENCY,
    maxQueued: parsed.MAX_QUEUED,
    defaultTimeoutMs: parsed.DEFAULT_TIMEOUT_MS,
    terminateGraceMs: parsed.TERMINATE_GRACE_MS,
    maxResultBytes: parsed.MAX_RESULT_BYTES,
    resultTtlS: parsed.RESULT_TTL_S,
    workerBootTimeoutMs: parsed.WORKER_BOOT_TIMEOUT_MS,
    progressWriteMs: parsed.PROGRESS_WRITE_MS,
    monitorCron: parsed.MONITOR_CRON,
    logLevel: parsed.LOG_LEVEL,
    /** TASKS_DIR is a list of folders, separated by ':' like PATH. */
    tasksDirs: (parsed.TASKS_DIR ?? '').split(':').filter(Boolean).map((dir) => resolve(dir)),
    // An API node runs no tasks, so it keeps no warm workers.
    workerPoolMin: parsed.ROLE === 'api' ? 0 : parsed.WORKER_POOL_MIN,
    maxTasksPerWorker: parsed.MAX_TASKS_PER_WORKER,
    /** A worker that has served this many tasks is replaced once it goes quiet (0: never). */
    workerRefreshAfterTasks: parsed.WORKER_REFRESH_AFTER_TASKS,
    workerMaxRssBytes: parsed.WORKER_MAX_RSS_MB * 1024 * 1024,
    workerIdleTimeoutMs: parsed.WORKER_IDLE_TIMEOUT_MS,
    /** Niceness of worker processes; below the service's own it needs CAP_SYS_NICE. */
    workerNice: parsed.WORKER_NICE,
    /** Names of the service's environment variables its workers (and so handlers) do not get. */
    workerEnvExclude: (parsed.WORKER_ENV_EXCLUDE ?? '').split(',').map((name) => name.trim()).filter(Boolean) as readonly string[],
    /** Heap growth after which a quiet service compacts its heap once (0: never). */
    idleCompactBytes: parsed.IDLE_COMPACT_MB * 1024 * 1024,
    queue: parsed.QUEUE,
    role: parsed.ROLE,
    redisUrl: parsed.REDIS_URL,
    redisPrefix: parsed.REDIS_PREFIX,
    /** Names this process in task records and control routing. */
    nodeId: `${parsed.NODE_NAME ?? hostname()}-${process.pid}-${PROCESS_NONCE}` as string,
  });
}

export const appConfig = registerAs('app', () => loadAppConfig(process.env));
export type AppConfig = ConfigType<typeof appConfig>;

function isCronExpression(expression: string): boolean {
  try {
    new CronTime(expression);
    return true;
  } catch {
    return false;
  }
}
