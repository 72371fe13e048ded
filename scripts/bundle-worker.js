// Bundles the compiled worker entry and its Nest dependencies into one file:
// a worker then reads one file instead of resolving and reading hundreds,
// which is most of what a cold worker spends before it is ready.
const { build } = require('esbuild');
const { join } = require('node:path');
const { lazyNestDateFormat } = require('./lazy-nest-date-format');

const dist = join(__dirname, '..', 'dist', 'worker-app');

build({
  entryPoints: [join(dist, 'main.js')],
  outfile: join(dist, 'worker.bundle.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  // Optional packages Nest only loads when an app uses them; the control app does not.
  external: ['@nestjs/platform-express', '@nestjs/microservices', '@nestjs/microservices/*', '@nestjs/websockets', '@nestjs/websockets/*', 'class-transformer', 'class-validator', '@fastify/*'],
  plugins: [lazyNestDateFormat],
  logLevel: 'warning',
}).catch(() => process.exit(1));
