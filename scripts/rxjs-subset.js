// esbuild plugin. Nest requires `rxjs` and `rxjs/operators` as CommonJS, and a
// require takes the whole package: 226 modules, 156 KB of the control bundle's
// 518, all loaded and compiled by every worker's control thread. Nest reads a
// dozen of its names. Here each such require gets a small module that
// re-exports just the names the requiring file reads, from rxjs's ES module
// build, whose unused modules esbuild then leaves out.
const { readFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');

const RXJS = /^rxjs(\/operators)?$/;

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The names a CommonJS file reads from `require(request)`, as tsc writes it
 * (`const rxjs_1 = require("rxjs");` then `rxjs_1.lastValueFrom`), or null
 * when it uses the module any other way (passes it along, indexes it), and
 * so may read any name.
 */
function namesReadFrom(source, request) {
  const call = `require(${JSON.stringify(request)})`;
  const requires = source.split(call).length - 1;
  const bindings = [...source.matchAll(new RegExp(`(?:const|var|let)\\s+([\\w$]+)\\s*=\\s*${escapeRegExp(call)}`, 'g'))].map((m) => m[1]);
  if (requires === 0 || bindings.length !== requires) return null;
  const names = new Set();
  for (const binding of bindings) {
    let bare = 0;
    for (const [, member] of source.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(binding)}(?![\\w$])(\\.[\\w$]+)?`, 'g'))) {
      if (member) names.add(member.slice(1));
      else bare++;
    }
    // Its declaration is the one use not followed by a name.
    if (bare !== 1) return null;
  }
  return [...names].sort();
}

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

module.exports = { rxjsSubset, namesReadFrom };
