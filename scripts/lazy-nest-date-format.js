// esbuild plugin. Nest's loggers build an Intl.DateTimeFormat when their
// module loads, to stamp log lines. The first DateTimeFormat of a process
// loads ICU's locale data: about 20 ms and 10 MB of RSS in a worker whose
// control app logs nothing (logger: false). Here the formatter is built the
// first time a line is stamped instead.
const { readFile } = require('node:fs/promises');

const LOGGER_FILES = /[\\/]@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/;
const EAGER = 'new Intl.DateTimeFormat(';
const LAZY_FORMAT = `
function lazyDateTimeFormat(locales, options) {
  let formatter;
  return { format: (date) => (formatter ??= new Intl.DateTimeFormat(locales, options)).format(date) };
}
`;

const lazyNestDateFormat = {
  name: 'lazy-nest-date-format',
  setup(build) {
    build.onLoad({ filter: LOGGER_FILES }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(EAGER)) {
        // Nest changed how it stamps logs: the bundle still works, it only boots slower.
        return { contents: source, loader: 'js', warnings: [{ text: `${EAGER} not found: the worker builds Nest's date formatter at load` }] };
      }
      return { contents: source.replaceAll(EAGER, 'lazyDateTimeFormat(') + LAZY_FORMAT, loader: 'js' };
    });
  },
};

module.exports = { lazyNestDateFormat };
