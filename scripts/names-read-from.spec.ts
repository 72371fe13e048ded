const { namesReadFrom } = require('./names-read-from') as { namesReadFrom: (source: string, request: string) => string[] | null };

describe('namesReadFrom (for the bundle plugins)', () => {
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
