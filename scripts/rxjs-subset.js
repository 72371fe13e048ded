// esbuild plugin. Nest requires `rxjs` and `rxjs/operators` as CommonJS, and a
// require takes the whole package: 226 modules, 156 KB of the control bundle's
// 518, all loaded and compiled by every worker's control thread. Nest reads a
// dozen of its names. Here each such require gets a small module that
// re-exports just the names the requiring file reads, from rxjs's ES module
// build, whose unused modules esbuild then leaves out.
const { readFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');
const { namesReadFrom } = require('./names-read-from');

const RXJS = /^rxjs(\/operators)?$/;

const rxjsSubset = {
  name: 'rxjs-subset',
  setup(build) {
    build.onResolve({ filter: RXJS }, async ({ path, importer, kind }) => {
      if (kind !== 'require-call' || !importer) return undefined;
      const names = namesReadFrom(await readFile(importer, 'utf8'), path);
      if (!names) {
        // Still works, with all of rxjs in the bundle beside the subset.
        return { warnings: [{ text: `${importer} uses ${path} other than by name: it gets the whole package` }] };
      }
      return { path: `${path}?${names.join(',')}`, namespace: 'rxjs-subset', pluginData: { resolveDir: dirname(importer) } };
    });
    build.onLoad({ filter: /.*/, namespace: 'rxjs-subset' }, ({ path, pluginData }) => {
      const [request, names] = path.split('?');
      // By file: rxjs's exports map gives Node its CommonJS build.
      const root = dirname(require.resolve('rxjs/package.json', { paths: [pluginData.resolveDir] }));
      const esm = join(root, 'dist', 'esm', request === 'rxjs' ? 'index.js' : join('operators', 'index.js'));
      return { contents: `export { ${names.split(',').join(', ')} } from ${JSON.stringify(esm)};\n`, loader: 'js', resolveDir: pluginData.resolveDir };
    });
  },
};

module.exports = { rxjsSubset };
