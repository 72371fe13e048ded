import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureApp, createApiApp } from '../app-setup';
import { AppModule } from '../app.module';

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi', 'openapi.json');

/** Builds the spec from the code, with only the built-in task types. */
export async function generateOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-'));
  Object.assign(process.env, { DATA_DIR: dataDir, MONITOR_CRON: '0 0 1 1 *' });
  for (const name of ['TASKS_DIR', 'QUEUE', 'ROLE']) delete process.env[name];
  const app = await createApiApp(AppModule.register({ queue: 'embedded' }), ['error']);
  try {
    return JSON.stringify(configureApp(app), null, 2) + '\n';
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  generateOpenApi().then((spec) => {
    writeFileSync(OPENAPI_FILE, spec);
    console.log(`wrote ${OPENAPI_FILE}`);
  });
}
