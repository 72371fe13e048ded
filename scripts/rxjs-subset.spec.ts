import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { rxjsSubset } = require('./rxjs-subset') as { rxjsSubset: Plugin };

describe('rxjsSubset in an esbuild bundle', () => {
  // Beside the plugin, so that esbuild finds rxjs in the project's node_modules.
  const dir = mkdtempSync(join(__dirname, '.rxjs-subset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let entries = 0;
  async function bundle(source: string, plugins: Plugin[]) {
    // Names of one length: the bundle names its inputs, and sizes are compared.
    const entry = join(dir, `entry-${++entries}.js`);
    writeFileSync(entry, source);
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', write: false, logLevel: 'silent', plugins });
    const code = result.outputFiles[0].text;
    return { size: code.length, run: () => new Function('module', 'exports', 'require', code)({ exports: {} }, {}, require), warnings: result.warnings.map((w) => w.text) };
  }

  it('bundles only the rxjs a file reads, and it works', async () => {
    const source = 'const rxjs_1 = require("rxjs");\nglobalThis.rxjsSubsetProbe = (0, rxjs_1.lastValueFrom)((0, rxjs_1.of)(1, 2, 3));';
    const whole = await bundle(source, []);
    const subset = await bundle(source, [rxjsSubset]);
    expect(subset.warnings).toEqual([]);
    expect(subset.size).toBeLessThan(whole.size / 4);
    subset.run();
    await expect((globalThis as { rxjsSubsetProbe?: Promise<number> }).rxjsSubsetProbe).resolves.toBe(3);
  });

  it('falls back to the whole package, with a warning, for a file that uses rxjs otherwise', async () => {
    const source = 'const rxjs_1 = require("rxjs");\nmodule.exports = rxjs_1;';
    const whole = await bundle(source, []);
    const fallback = await bundle(source, [rxjsSubset]);
    expect(fallback.warnings).toEqual([expect.stringContaining('uses rxjs other than by name: it gets the whole package')]);
    expect(fallback.size).toBe(whole.size);
  });
});
