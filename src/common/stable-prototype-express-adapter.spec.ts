import 'reflect-metadata';
import { Body, Controller, Get, Headers, Module, Post, Query, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request } from 'express';
import type { AddressInfo } from 'node:net';
import { StablePrototypeExpressAdapter } from './stable-prototype-express-adapter';

@Controller()
class ProbeController {
  @Get('probe')
  probe(@Req() req: Request, @Query('q') q: string, @Headers('x-probe') header: string) {
    return { q, header, viaGet: req.get('x-probe'), hasApp: typeof (req.app as unknown as { handle?: unknown } | undefined)?.handle === 'function', json: typeof req.res?.json };
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

async function start(adapter: ExpressAdapter): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(ProbeModule, adapter, { logger: false, bodyParser: false });
  app.useBodyParser('json');
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

/** Whether the objects the server built already had Express's prototypes before Express saw them. */
function bornPrototypes(adapter: ExpressAdapter): { request: boolean; response: boolean }[] {
  const seen: { request: boolean; response: boolean }[] = [];
  const express = adapter.getInstance<Express>();
  adapter.getHttpServer().prependListener('request', (req: object, res: object) => {
    seen.push({ request: Object.getPrototypeOf(req) === express.request, response: Object.getPrototypeOf(res) === express.response });
  });
  return seen;
}

describe('StablePrototypeExpressAdapter', () => {
  it("builds requests and responses on Express's prototypes, so Express's per-request setPrototypeOf changes nothing", async () => {
    for (const [adapter, expected] of [
      [new StablePrototypeExpressAdapter(), true],
      [new ExpressAdapter(), false],
    ] as const) {
      const { app, url } = await start(adapter);
      try {
        const seen = bornPrototypes(adapter);
        await fetch(`${url}/probe`);
        await fetch(`${url}/probe`);
        expect(seen).toEqual([
          { request: expected, response: expected },
          { request: expected, response: expected },
        ]);
      } finally {
        await app.close();
      }
    }
  });

  it('serves as Express does: query, headers, req.get, req.app, bodies, JSON replies and 404s', async () => {
    const { app, url } = await start(new StablePrototypeExpressAdapter());
    try {
      const probe = await fetch(`${url}/probe?q=one`, { headers: { 'x-probe': 'two' } });
      expect(probe.status).toBe(200);
      expect(probe.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await probe.json()).toEqual({ q: 'one', header: 'two', viaGet: 'two', hasApp: true, json: 'function' });

      const echo = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
      expect(echo.status).toBe(201);
      expect(await echo.json()).toEqual({ a: [1, 2] });

      const missing = await fetch(`${url}/nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ statusCode: 404 });
    } finally {
      await app.close();
    }
  });
});
