// A task type of the operator's own: start the service with TASKS_DIR=examples/task-types
// and submit {"task_type": "word_count", "task_data": {"text": "to be or not to be"}}.
const { ApiPropertyOptional } = require('@nestjs/swagger');
const { IsString, MaxLength } = require('class-validator');

class WordCountInput {
  constructor() {
    this.text = '';
  }
}
// Plain JavaScript applies decorators by hand and names the type (TypeScript infers it).
ApiPropertyOptional({ type: String, description: 'Text to count words in.', default: '', maxLength: 100000 })(WordCountInput.prototype, 'text');
IsString()(WordCountInput.prototype, 'text');
MaxLength(100000)(WordCountInput.prototype, 'text');

module.exports = {
  name: 'word_count',
  description: 'Counts how often each word occurs in a text.',
  input: WordCountInput,
  defaultTimeoutMs: 60000,
  async run(input, ctx) {
    const words = input.text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    const counts = {};
    words.forEach((word, index) => {
      counts[word] = (counts[word] ?? 0) + 1;
      if (index % 1000 === 0) ctx.progress((index / words.length) * 100); // also a pause/terminate checkpoint
    });
    ctx.log(`counted ${words.length} words`);
    return { total: words.length, distinct: Object.keys(counts).length, counts };
  },
};
