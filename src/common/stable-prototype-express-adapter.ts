import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';

/**
 * Express swaps the prototype of every request and response for its own:
 * `app.handle` calls `Object.setPrototypeOf(req, app.request)`, and the same
 * for `res`.
 * V8 then keeps both, and what they hold, through the next minor collection
 * or two: at 500 GETs/s about 12 KB of every request survived, so each
 * scavenge copied about 3 MB (10-20 ms on two busy cores, the API's p99) and
 * the old generation filled with what had already died.
 *
 * This adapter's server builds requests and responses on Express's own
 * prototypes from the start, so that call finds nothing to change. Express
 * still makes the call, and behaves as before: `app.request` and
 * `app.response` are the same kind of object it makes (its prototypes, with
 * `app`), now each the prototype of a class the server constructs.
 */
export class StablePrototypeExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS, and closing connections on shutdown, are Nest's own path; the service uses neither.
    if (options?.httpsOptions || options?.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<Express>();
    const Request = classOnPrototypeOf(IncomingMessage, app.request, app);
    const Response = classOnPrototypeOf(ServerResponse, app.response, app);
    app.request = Request.prototype as Express['request'];
    app.response = Response.prototype as Express['response'];
    this.httpServer = createServer({ IncomingMessage: Request, ServerResponse: Response }, app);
  }
}

/**
 * A subclass of `base` whose prototype stands where Express's `app.request`
 * (or `app.response`) stood: it inherits what that object inherits (Express's
 * methods) and carries the same `app` property.
 */
function classOnPrototypeOf<T extends typeof IncomingMessage | typeof ServerResponse>(base: T, expressObject: object, app: Express): T {
  const Built = class extends (base as typeof IncomingMessage) {} as unknown as T;
  Object.setPrototypeOf(Built.prototype, Object.getPrototypeOf(expressObject));
  Object.defineProperty(Built.prototype, 'app', { configurable: true, enumerable: true, writable: true, value: app });
  return Built;
}
