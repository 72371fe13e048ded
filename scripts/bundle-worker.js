// Bundles each of a worker's two threads into one file: the main thread, which
// runs handlers, and the control thread with its Nest dependencies. A worker
// then reads two files instead of resolving and reading hundreds, which is most
// of what a cold worker spends before it is ready.
const { build } = require('esbuild');
const { join } = require('node:path');
const { lazyNestDateFormat } = require('./lazy-nest-date-format');
const { lazyNodeCrypto } = require('./lazy-node-crypto');
const { rxjsSubset } = require('./rxjs-subset');

const dist = join(__dirname, '..', 'dist', 'worker-app');
// Compiled by the build's `tsc` step, which runs first.
const { CONTROL_BUNDLE, WORKER_BUNDLE } = require(join(dist, 'bundle-files.js'));
const outName = (file) => file.replace(/\.js$/, '');

build({
  entryPoints: { [outName(WORKER_BUNDLE)]: join(dist, 'main.js'), [outName(CONTROL_BUNDLE)]: join(dist, 'control-thread.js') },
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  // Optional packages Nest only loads when an app uses them; the control app does not.
  external: ['@nestjs/platform-express', '@nestjs/microservices', '@nestjs/microservices/*', '@nestjs/websockets', '@nestjs/websockets/*', 'class-transformer', 'class-validator', '@fastify/*',
    // boot.js loads it as a file of its own in the control thread; the main thread requires the same file
    // once the control thread is started, to read the control bundle for it.
    './code-cache'],
  // Nest's packages each bring their own copy of tslib's helpers; one serves them all (2.x only adds helpers).
  alias: { tslib: require.resolve('tslib') },
  plugins: [lazyNestDateFormat, lazyNodeCrypto, rxjsSubset],
  logLevel: 'warning',
}).catch(() => process.exit(1));
