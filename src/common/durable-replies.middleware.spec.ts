import Database from 'better-sqlite3';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import { aNewTask } from '../store/task-store.contract';
import type { TaskStore } from '../store/task-store';
import { durableReplies } from './durable-replies.middleware';

const dir = mkdtempSync(join(tmpdir(), 'durable-replies-'));
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A real Express app on a real port; `route` answers with res.json as Nest's
 * adapter and filter do. `atSend` runs at the moment the reply really leaves.
 */
async function serve(store: TaskStore, route: express.RequestHandler, atSend = () => {}): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use((_request, response, next) => {
    const json = response.json.bind(response);
    response.json = (body: unknown) => (atSend(), json(body));
    next();
  });
  app.use(durableReplies(store));
  app.post('/', route);
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

function storedOnDisk(file: string): number {
  const reader = new Database(file, { readonly: true });
  try {
    return (reader.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

describe('durableReplies', () => {
  it('lets a reply go only once the writes behind it are committed, error replies too', async () => {
    const file = join(dir, 'reply.sqlite');
    const store = new SqliteTaskStore(file);
    const seenOnDisk: number[] = [];
    let requests = 0;
    const route: express.RequestHandler = async (_request, response) => {
      const task = await store.insert(aNewTask());
      // The insert has run, in the turn's open transaction, and is not on disk yet.
      const refused = ++requests === 2;
      response.status(refused ? 429 : 201).json(refused ? { code: 'QUEUE_FULL' } : task);
    };
    const { url } = await serve(store, route, () => seenOnDisk.push(storedOnDisk(file)));
    expect((await fetch(url, { method: 'POST' })).status).toBe(201);
    expect((await fetch(url, { method: 'POST' })).status).toBe(429);
    expect(seenOnDisk).toEqual([1, 2]);
    await store.close();
  });

  it('answers 503 STORE_UNAVAILABLE instead when the commit behind the reply was lost', async () => {
    const lost = { writeMark: () => 7, durable: () => Promise.reject(new Error('database or disk is full')) } as unknown as TaskStore;
    const { url } = await serve(lost, (_request, response) => void response.status(201).json({ ok: true }));
    const reply = await fetch(url, { method: 'POST' });
    expect(reply.status).toBe(503);
    expect(await reply.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'STORE_UNAVAILABLE',
      message: 'the task store cannot be reached: a write was not committed: database or disk is full',
    });
  });
});
