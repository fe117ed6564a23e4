/** The control protocol's line framing: messages split across chunks, several per chunk, bad lines reported. */
import { describe, expect, test } from '@jest/globals';
import { encodeMessage, LineDecoder, type AgentMessage } from './protocol.js';

describe('agent protocol lines', () => {
  test('messages arrive whole whatever the chunking; a bad line is reported, not thrown', () => {
    const got: AgentMessage[] = [];
    const bad: string[] = [];
    const d = new LineDecoder<AgentMessage>(
      (m) => got.push(m),
      (l) => bad.push(l),
    );
    const text =
      encodeMessage({ t: 'ready', job: 1 }) +
      'not json\n' +
      encodeMessage({ t: 'reached', job: 1, after: 'ramp' }) +
      '\n[1]\n';
    for (let i = 0; i < text.length; i += 5) d.push(Buffer.from(text.slice(i, i + 5)));
    expect(got).toEqual([
      { t: 'ready', job: 1 },
      { t: 'reached', job: 1, after: 'ramp' },
    ]);
    expect(bad).toEqual(['not json', '[1]']);
  });
});
