// esbuild plugin. A worker's control thread uses no crypto while it boots:
// Nest requires it for module keys it hashes only under options the control
// app does not set, and the control app for each request's token check. Yet
// loading node:crypto (19 of Node's modules) cost every cold boot about 5 ms.
// Here each file that reads crypto's functions by name gets a stand-in with
// just those names, which loads the module the first time one is read.
const { readFile } = require('node:fs/promises');
const { namesReadFrom } = require('./names-read-from');

const CRYPTO = /^(node:)?crypto$/;
const NAMESPACE = 'lazy-node-crypto';

function standIn(names) {
  const getters = names.map((name) => `  get ${name}() { return load().${name}; },`);
  return ['let crypto;', "const load = () => (crypto ??= require('node:crypto'));", 'module.exports = {', ...getters, '};', ''].join('\n');
}

const lazyNodeCrypto = {
  name: NAMESPACE,
  setup(build) {
    build.onResolve({ filter: CRYPTO }, async ({ path, importer, kind, namespace }) => {
      // The stand-in's own require is Node's.
      if (namespace !== 'file' || kind !== 'require-call' || !importer) return undefined;
      const names = namesReadFrom(await readFile(importer, 'utf8'), path);
      if (!names) {
        // Still works: that file loads crypto as it loads.
        return { warnings: [{ text: `${importer} uses ${path} other than by name: it loads it at once` }] };
      }
      return { path: `${path}?${names.join(',')}`, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({ contents: standIn(path.split('?')[1].split(',')), loader: 'js' }));
  },
};

module.exports = { lazyNodeCrypto };
