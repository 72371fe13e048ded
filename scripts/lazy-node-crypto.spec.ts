import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const { lazyNodeCrypto } = require('./lazy-node-crypto') as { lazyNodeCrypto: Plugin };

describe('lazyNodeCrypto in an esbuild bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-node-crypto-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let entries = 0;
  async function bundle(source: string): Promise<{ file: string; warnings: string[] }> {
    const entry = join(dir, `entry-${++entries}.js`);
    const file = join(dir, `bundle-${entries}.js`);
    writeFileSync(entry, source);
    const result = await build({ entryPoints: [entry], outfile: file, bundle: true, platform: 'node', logLevel: 'silent', plugins: [lazyNodeCrypto] });
    return { file, warnings: result.warnings.map((w) => w.text) };
  }

  /** Requires the bundle in a fresh Node (from a file: `node -e` loads crypto itself), calls its `use`, and says whether crypto was loaded before and after. */
  function loadAndUse(file: string): { before: boolean; result: unknown; after: boolean } {
    const probe = join(dir, 'probe.js');
    writeFileSync(
      probe,
      `
      const loaded = () => process.moduleLoadList.includes('NativeModule crypto');
      const bundle = require(${JSON.stringify(file)});
      const before = loaded();
      const result = bundle.use();
      console.log(JSON.stringify({ before, result, after: loaded() }));`,
    );
    return JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8' }));
  }

  it('loads crypto the first time a file reads one of its names, and the names work', async () => {
    const source = [
      'const crypto_1 = require("crypto");',
      'const node_crypto_1 = require("node:crypto");',
      'exports.use = () => [(0, crypto_1.createHash)("sha1").update("x").digest("hex"), (0, node_crypto_1.timingSafeEqual)(Buffer.from("a"), Buffer.from("a"))];',
    ].join('\n');
    const { file, warnings } = await bundle(source);
    expect(warnings).toEqual([]);
    expect(loadAndUse(file)).toEqual({ before: false, result: ['11f6ad8ec52a2984abaafd7c3b516503785c2072', true], after: true });
  });

  it('leaves crypto as it is, with a warning, for a file that uses it other than by name', async () => {
    const { file, warnings } = await bundle('const crypto_1 = require("crypto");\nexports.use = () => typeof crypto_1.createHash;\nregister(crypto_1);\nfunction register() {}');
    expect(warnings).toEqual([expect.stringContaining('uses crypto other than by name: it loads it at once')]);
    expect(loadAndUse(file)).toEqual({ before: true, result: 'function', after: true });
  });
});
