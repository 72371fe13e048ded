import { BadRequestException, PayloadTooLargeException, type RequestMethod } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core/adapters/http-adapter';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A request as the control routes see it: `@Body()` reads `body`. */
export interface JsonRequest extends IncomingMessage {
  body?: unknown;
}

type Next = (error?: unknown) => void;
type RouteHandler = (req: JsonRequest, res: ServerResponse, next: Next) => unknown;
type ErrorHandler = (error: unknown, req: JsonRequest, res: ServerResponse, next: Next) => unknown;

/** Control requests are a few bytes; anything much larger is not one of ours. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Routes by exact method and path: all a controller of fixed paths needs.
 * Nest registers routes by calling the adapter's instance by verb (`get`, `post`...).
 */
class RouteTable {
  private readonly handlers = new Map<string, RouteHandler>();

  get = (path: string, handler: RouteHandler) => this.add('GET', path, handler);
  post = (path: string, handler: RouteHandler) => this.add('POST', path, handler);
  put = (path: string, handler: RouteHandler) => this.add('PUT', path, handler);
  delete = (path: string, handler: RouteHandler) => this.add('DELETE', path, handler);
  patch = (path: string, handler: RouteHandler) => this.add('PATCH', path, handler);

  find(method: string | undefined, path: string): RouteHandler | undefined {
    return this.handlers.get(`${method} ${path}`);
  }

  private add(method: string, path: string, handler: RouteHandler): void {
    if (/[:*{]/.test(path)) throw new Error(`route ${method} ${path}: only fixed paths are supported`);
    this.handlers.set(`${method} ${stripTrailingSlash(path)}`, handler);
  }
}

/**
 * A Nest HTTP adapter straight over `node:http`, for the worker's control app.
 * Express (with its body parsers, mime and charset tables) is most of what a
 * worker parses and keeps in memory at boot; the control app needs three
 * fixed routes with JSON in and out, and Nest's guards and exception
 * responses, which stay Nest's own. What it does not do (middleware, CORS,
 * views, static files, versioning) throws rather than half-works.
 */
export class NodeHttpAdapter extends AbstractHttpAdapter<Server, JsonRequest, ServerResponse> {
  private readonly routes: RouteTable;
  private notFound: RouteHandler = (_req, res) => this.reply(res, { statusCode: 404, message: 'Not Found' }, 404);
  private onError: ErrorHandler = (_error, _req, res) => this.reply(res, { statusCode: 500, message: 'Internal server error' }, 500);

  constructor() {
    const routes = new RouteTable();
    super(routes);
    this.routes = routes;
  }

  initHttpServer(): void {
    this.httpServer = createServer((req, res) => void this.handle(req, res));
  }

  override listen(port: string | number, ...args: any[]): Server {
    return this.httpServer.listen(port, ...args);
  }

  close(): Promise<void> | undefined {
    if (!this.httpServer) return undefined;
    this.httpServer.closeAllConnections();
    return new Promise((resolve) => this.httpServer.close(() => resolve()));
  }

  getType(): string {
    return 'node-http';
  }

  reply(response: ServerResponse, body: unknown, statusCode?: number): void {
    if (statusCode) response.statusCode = statusCode;
    if (body === undefined || body === null) {
      response.end();
      return;
    }
    const json = typeof body === 'object';
    const payload = json ? JSON.stringify(body) : String(body);
    if (!response.hasHeader('content-type')) response.setHeader('content-type', json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    response.setHeader('content-length', Buffer.byteLength(payload));
    response.end(payload);
  }

  status(response: ServerResponse, statusCode: number): void {
    response.statusCode = statusCode;
  }

  end(response: ServerResponse, message?: string): void {
    response.end(message);
  }

  isHeadersSent(response: ServerResponse): boolean {
    return response.headersSent;
  }

  getHeader(response: ServerResponse, name: string): unknown {
    return response.getHeader(name);
  }

  setHeader(response: ServerResponse, name: string, value: string): void {
    response.setHeader(name, value);
  }

  appendHeader(response: ServerResponse, name: string, value: string): void {
    response.appendHeader(name, value);
  }

  getRequestHostname(request: JsonRequest): string | undefined {
    return request.headers.host;
  }

  getRequestMethod(request: JsonRequest): string | undefined {
    return request.method;
  }

  getRequestUrl(request: JsonRequest): string | undefined {
    return request.url;
  }

  setErrorHandler(handler: ErrorHandler): void {
    this.onError = handler;
  }

  setNotFoundHandler(handler: RouteHandler): void {
    this.notFound = handler;
  }

  /** JSON bodies are always parsed, by `handle`. */
  registerParserMiddleware(): void {}

  createMiddlewareFactory(_method: RequestMethod): never {
    throw unsupported('middleware');
  }

  enableCors(): never {
    throw unsupported('CORS');
  }

  useStaticAssets(): never {
    throw unsupported('static assets');
  }

  setViewEngine(): never {
    throw unsupported('views');
  }

  render(): never {
    throw unsupported('views');
  }

  redirect(response: ServerResponse, statusCode: number, url: string): void {
    response.statusCode = statusCode;
    response.setHeader('location', url);
    response.end();
  }

  applyVersionFilter(): never {
    throw unsupported('versioning');
  }

  private async handle(req: JsonRequest, res: ServerResponse): Promise<void> {
    const next: Next = (error) => {
      if (error !== undefined) void this.onError(error, req, res, next);
      else void this.notFound(req, res, next);
    };
    try {
      const route = this.routes.find(req.method, stripTrailingSlash(pathOf(req.url)));
      // An unknown path is answered without reading its body; Node discards what is left unread.
      if (!route) return void (await this.notFound(req, res, next));
      req.body = await readJsonBody(req);
      await route(req, res, next);
    } catch (error) {
      next(error);
    }
  }
}

function unsupported(feature: string): Error {
  return new Error(`the worker's control adapter does not support ${feature}`);
}

function pathOf(url = '/'): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The parsed body of a JSON request; undefined when there is none or it is not JSON, as with Express. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) return undefined;
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
}

/** An oversized body is read to its end all the same: the client then gets its 413 rather than a reset connection. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES ? reject(new PayloadTooLargeException(`request body is over ${MAX_BODY_BYTES} bytes`)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}
