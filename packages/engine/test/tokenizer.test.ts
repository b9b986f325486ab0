import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/io/tokenizer.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';
import { errorOf } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-tok-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Feed ids one at a time to a decode stream; returns the pieces (flush last). */
function stream(tokenizer: Tokenizer, ids: readonly number[], options: Parameters<Tokenizer['createDecodeStream']>[0] = {}): string[] {
  const s = tokenizer.createDecodeStream(options);
  return [...ids.map((id) => s.push(id)), s.flush()];
}

// From ../shared/data/models/stories260K-hf/README.md ("Encodings of the sample sentences").
const storiesEncodings: [string, number[]][] = [
  ['Once upon a time, there was a little girl named Lily.', [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426]],
  [
    'Tim and his mom went to the park. They saw a big red ball!',
    [1, 326, 269, 345, 357, 263, 377, 267, 265, 282, 295, 433, 426, 342, 394, 261, 370, 352, 266, 268, 388, 443],
  ],
  [
    '"Can I play with you?" asked the dog.\nThe cat said: "Yes!"',
    [1, 313, 457, 303, 359, 337, 335, 364, 450, 436, 261, 419, 355, 265, 400, 428, 426, 13, 434, 260, 280, 294, 336, 467, 313, 452, 406, 443, 436],
  ],
  [
    "Zoë's café costs 3€ — naïve 🦄 émigré <0x41>",
    [
      1, 410, 469, 414, 198, 174, 439, 419, 280, 412, 431, 485, 280, 414, 356, 419, 410, 472, 503, 410, 481, 297, 412, 198, 178, 360, 410, 243, 162, 169, 135,
      410, 485, 423, 333, 420, 485, 410, 504, 477, 444, 484, 475, 505,
    ],
  ],
  [
    '  Two leading spaces,\ttabs and   multiple   spaces .',
    [
      1, 410, 410, 274, 424, 414, 278, 411, 380, 299, 262, 427, 412, 331, 419, 432, 12, 413, 412, 430, 419, 269, 410, 410, 284, 425, 421, 413, 417, 427, 305,
      410, 410, 262, 427, 412, 331, 419, 410, 426,
    ],
  ],
  ['', [1]],
];

const greedyAfterBos = [
  403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426,
  385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267, 337, 335, 312, 432, 398, 312, 286, 267, 414, 270, 333, 415, 426, 13, 438,
  310, 439, 419, 357, 336, 432, 313, 438, 310, 432, 278, 316, 439, 419, 298, 414, 267, 265, 282, 295, 433, 426, 436, 317, 286, 296, 418, 269, 279, 292, 416,
  439, 413, 409, 416, 327, 263,
];
const greedyAfterBosText =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know w";
const promptIds = [1, 403, 407, 261, 378];
const greedyAfterPrompt = [...greedyAfterBos.slice(4), 415, 294, 267, 400];
const continuationText =
  ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do";

describe.skipIf(!hasStories260K)(`Tokenizer on stories260K (SentencePiece-style BPE with byte fallback)${skipWithoutShared}`, () => {
  const tokenizer = hasStories260K ? Tokenizer.fromFolder(stories260K) : (null as unknown as Tokenizer);

  it('encodes the README sentences to exactly the listed ids, BOS included', () => {
    for (const [text, ids] of storiesEncodings) expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(ids);
  });

  it('leaves BOS out without special tokens, and decodes back to the text', () => {
    for (const [text, ids] of storiesEncodings) {
      expect(tokenizer.encode(text, { addSpecialTokens: false })).toEqual(ids.slice(1));
      expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe(text);
    }
    expect(tokenizer.decode([1, 403], { skipSpecialTokens: false })).toBe('<s> Once');
  });

  it('decodes the greedy generations to the README texts', () => {
    expect(tokenizer.decode([1, ...greedyAfterBos], { skipSpecialTokens: true })).toBe(greedyAfterBosText);
    expect(tokenizer.decode(greedyAfterPrompt, { skipSpecialTokens: true })).toBe(continuationText);
  });

  it('streams the greedy generation token by token to the same text', () => {
    const pieces = stream(tokenizer, greedyAfterBos, { prefixIds: [1], skipSpecialTokens: true });
    expect(pieces.join('')).toBe(greedyAfterBosText);
    expect(pieces.slice(0, 4)).toEqual(['Once', ' upon', ' a', ' time']);
    // After a prompt, the first piece keeps the space the decoder strips at the start of a text.
    const afterPrompt = stream(tokenizer, [383, 286], { prefixIds: promptIds, skipSpecialTokens: true });
    expect(afterPrompt.join('')).toBe(' there was');
  });

  it('holds back byte-fallback pieces until the character is whole', () => {
    const [text, ids] = storiesEncodings[3]!;
    const pieces = stream(tokenizer, ids.slice(1), { prefixIds: [1], skipSpecialTokens: true });
    expect(pieces.join('')).toBe(tokenizer.decode(ids, { skipSpecialTokens: true }));
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
    expect(pieces).toContain('🦄'); // four byte tokens (243, 162, 169, 135) arrive as one piece
  });

  it('knows its special tokens and vocabulary', () => {
    expect(tokenizer.bosTokenId).toBe(1);
    expect(tokenizer.eosTokenIds).toEqual([2]);
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.specialTokens).toMatchObject({ bos: '<s>', eos: '</s>', unk: '<unk>', pad: null });
    expect(tokenizer.idToToken(403)).toBe('▁Once');
    expect(tokenizer.idToToken(3)).toBe('<0x00>');
    expect(tokenizer.tokenToId('<0x0A>')).toBe(13);
    expect(tokenizer.isSpecial(1)).toBe(true);
    expect(tokenizer.isSpecial(403)).toBe(false);
  });

  it('honours add_bos_token / add_eos_token over the post-processor', () => {
    const files = {
      tokenizerJson: JSON.parse(fs.readFileSync(path.join(stories260K, 'tokenizer.json'), 'utf8')) as unknown,
      tokenizerConfig: JSON.parse(fs.readFileSync(path.join(stories260K, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>,
    };
    const noBos = new Tokenizer({ ...files, tokenizerConfig: { ...files.tokenizerConfig, add_bos_token: false } });
    expect(noBos.encode('Once upon')).toEqual([403, 407]);
    const withEos = new Tokenizer({ ...files, tokenizerConfig: { ...files.tokenizerConfig, add_eos_token: true } });
    expect(withEos.encode('Once upon')).toEqual([1, 403, 407, 2]);
    expect(withEos.encode('')).toEqual([1, 2]);
  });
});

describe('Tokenizer on generated byte-level BPE models', () => {
  const samples = [
    'Hello world! How are you today?',
    '  Two  leading spaces,\ttabs and\n\nnewlines\r\n',
    "Zoë's café costs 3€ — naïve 🦄 émigré",
    'Combining: e\u0301 vs \u00e9; CJK 中文字; emoji 👩‍👩‍👧 and flags 🇫🇷',
    'Literal special text: <|im_start|>user <s> </s>',
    'x = [i ** 2 for i in range(10)]  # code',
    ' ',
    '',
  ];

  for (const arch of ['llama', 'qwen2'] as const) {
    const dir = path.join(root, arch);
    const model = makeTinyModel({ arch, outDir: dir });
    const tokenizer = Tokenizer.fromFolder(dir);

    it(`${arch}: encode → decode is the identity, whatever the text`, () => {
      for (const text of samples) {
        expect(tokenizer.decode(tokenizer.encode(text, { addSpecialTokens: false })), JSON.stringify(text)).toBe(text);
      }
    });

    it(`${arch}: streams byte-level pieces as whole characters`, () => {
      for (const text of samples) {
        const pieces = stream(tokenizer, tokenizer.encode(text, { addSpecialTokens: false }));
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
      }
    });

    it(`${arch}: adds BOS only where the model wants it, and unions EOS ids`, () => {
      const ids = model.specialTokenIds;
      if (arch === 'llama') {
        expect(tokenizer.bosTokenId).toBe(ids['<s>']);
        expect(tokenizer.encode('Hi')[0]).toBe(ids['<s>']);
        expect(tokenizer.eosTokenIds).toEqual([ids['</s>'], ids['<|im_end|>']]);
      } else {
        expect(tokenizer.bosTokenId).toBeNull();
        expect(tokenizer.encode('Hi')).toEqual(tokenizer.encode('Hi', { addSpecialTokens: false }));
        expect(tokenizer.eosTokenIds).toEqual([ids['<|im_end|>'], ids['<|endoftext|>']]);
      }
      expect(tokenizer.vocabSize).toBe(512);
      const imEnd = ids['<|im_end|>']!;
      expect(tokenizer.encode('a<|im_end|>', { addSpecialTokens: false }).at(-1)).toBe(imEnd);
      expect(tokenizer.decode([imEnd], { skipSpecialTokens: true })).toBe('');
    });
  }

  it('takes extra EOS ids when given, instead of reading config.json', () => {
    const tokenizer = Tokenizer.fromFolder(path.join(root, 'qwen2'), { extraEosTokenIds: [7] });
    expect(tokenizer.eosTokenIds).toEqual([511, 7]);
  });
});

describe('Tokenizer errors', () => {
  it('says which file is missing or broken', () => {
    const dir = path.join(root, 'broken');
    fs.mkdirSync(dir, { recursive: true });
    expect(errorOf(() => Tokenizer.fromFolder(dir))).toMatchObject({ code: 'MODEL_FILE_MISSING', message: expect.stringContaining('tokenizer.json') });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": ');
    expect(errorOf(() => Tokenizer.fromFolder(dir))).toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('tokenizer.json') });
    fs.copyFileSync(path.join(root, 'llama', 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), 'not json');
    expect(errorOf(() => Tokenizer.fromFolder(dir))).toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('tokenizer_config.json') });
    expect(errorOf(() => new Tokenizer({ tokenizerJson: { version: '1.0' } })).code).toBe('TOKENIZER_INVALID');
  });

  it('refuses ids outside the vocabulary', () => {
    const tokenizer = Tokenizer.fromFolder(path.join(root, 'llama'));
    expect(errorOf(() => tokenizer.decode([5, 512])).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => tokenizer.decode([-1])).code).toBe('INVALID_ARGUMENT');
    expect(tokenizer.decode([])).toBe('');
  });
});
