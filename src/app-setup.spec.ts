import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createApiApp } from './app-setup';
import { StablePrototypeExpressAdapter } from './common/stable-prototype-express-adapter';

@Module({})
class EmptyModule {}

describe('createApiApp', () => {
  it('serves through StablePrototypeExpressAdapter (the server and the spec writer both build the API with it)', async () => {
    const app = await createApiApp({ module: EmptyModule }, false);
    try {
      expect(app.getHttpAdapter()).toBeInstanceOf(StablePrototypeExpressAdapter);
    } finally {
      await app.close();
    }
  });
});
