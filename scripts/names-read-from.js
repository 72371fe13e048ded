// The names a bundled CommonJS file reads from a module it requires, for the
// bundle plugins that give such a file less than the whole module.

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

module.exports = { namesReadFrom };
