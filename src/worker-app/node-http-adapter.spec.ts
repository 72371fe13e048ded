import { NodeHttpAdapter } from './node-http-adapter';

/** What the adapter refuses at boot rather than serving wrongly; what it serves is in control-app.spec.ts. */
describe('NodeHttpAdapter', () => {
  const handler = () => undefined;

  it('refuses paths with parameters or wildcards', () => {
    const adapter = new NodeHttpAdapter();
    expect(() => adapter.get('/tasks/:id', handler)).toThrow('only fixed paths');
    expect(() => adapter.post('/files/*path', handler)).toThrow('only fixed paths');
  });

  it('refuses verbs and features it does not implement', () => {
    const adapter = new NodeHttpAdapter();
    // Other verbs (`@All()`, `@Options()`...) have no entry in the route table: Nest's boot fails, no request is served wrongly.
    expect(() => adapter.all('/status', handler)).toThrow();
    expect(() => adapter.enableCors()).toThrow('does not support');
  });
});
