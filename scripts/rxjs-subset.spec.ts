import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { namesReadFrom, rxjsSubset } = require('./rxjs-subset') as { namesReadFrom: (source: string, request: string) => string[] | null; rxjsSubset: Plugin };

describe('namesReadFrom (the rxjs-subset bundle plugin)', () => {
  it('reads the names a tsc-compiled file takes from its binding', () => {
    const source = [
      'const rxjs_1 = require("rxjs");',
      'const operators_1 = require("rxjs/operators");',
      'if ((0, rxjs_1.isObservable)(x)) return (0, rxjs_1.lastValueFrom)(x.pipe((0, operators_1.map)(f)));',
      'new rxjs_1.ReplaySubject();',
    ].join('\n');
    expect(namesReadFrom(source, 'rxjs')).toEqual(['ReplaySubject', 'isObservable', 'lastValueFrom']);
    expect(namesReadFrom(source, 'rxjs/operators')).toEqual(['map']);
  });

  it('gives up when the module is used other than by name: then any name may be read', () => {
    expect(namesReadFrom('const rxjs_1 = require("rxjs");\nregister(rxjs_1);', 'rxjs')).toBeNull();
    expect(namesReadFrom('const rxjs_1 = require("rxjs");\nrxjs_1[name]();', 'rxjs')).toBeNull();
    expect(namesReadFrom('module.exports = require("rxjs");', 'rxjs')).toBeNull();
    expect(namesReadFrom('const a = require("rxjs");\nuse(require("rxjs").of);', 'rxjs')).toBeNull();
  });

  it('is not misled by other names that contain the binding', () => {
    const source = 'const rxjs_1 = require("rxjs");\nconst my_rxjs_1 = 1;\nthis.rxjs_1 = 2;\n(0, rxjs_1.of)(my_rxjs_1);';
    expect(namesReadFrom(source, 'rxjs')).toEqual(['of']);
  });

  it('gives up on a file that does not require the module as tsc does', () => {
    expect(namesReadFrom("const { of } = require('rxjs');", 'rxjs')).toBeNull();
  });
});

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
