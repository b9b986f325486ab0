import { describe, expect, it } from 'vitest';
import {
  answerExtractor,
  bleuFromStats,
  canonicalNumber,
  chrfFromStats,
  corpusBleu,
  corpusChrf,
  exactMatch,
  extractAnswer,
  lastNumber,
  lcsLength,
  normalizeAnswer,
  pairedBootstrap,
  rougeL,
  sentenceBleu,
  sentenceChrf,
  squadTokens,
  tokenF1,
  tokenize13a,
  verdictText,
  type BootstrapResult,
} from '../src/eval/index.js';
import { seededRng } from '../src/util/random.js';

// Reference values marked "sacreBLEU" come from https://github.com/mjpost/sacrebleu at commit f615c72
// (the 2.6.0 release line): README.md ("Using SacreBLEU from Python"), test/test_bleu.py,
// test/test_sentence_bleu.py and test/test_chrf.py. Those marked "rouge-score" come from
// google-research/google-research rouge/rouge_scorer_test.py. Other expected values are worked out by hand in the comments.

/** sacreBLEU README: three hypotheses against two reference streams, here as per-item pairs. */
const README_HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const README_REFS_1 = ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'];
const README_REFS_2 = ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'];
const README_REFS = README_HYPS.map((_, i) => [README_REFS_1[i]!, README_REFS_2[i]!]);

describe('extractAnswer', () => {
  const gsm8k = { kind: 'regex', pattern: '#### (-?[0-9.,]+)' } as const;

  it('takes the first capture group of the first match (GSM8K style)', () => {
    expect(extractAnswer('She sells 16 - 3 - 4 = 9 eggs.\n#### 18\n#### 20', gsm8k)).toBe('18');
    expect(extractAnswer('#### -1,234.5', gsm8k)).toBe('-1,234.5');
    expect(extractAnswer('The answer is 18.', gsm8k)).toBeNull();
  });

  it('takes the whole match when the pattern has no group, honours flags, and gives null for a group that did not take part', () => {
    expect(extractAnswer('value: 42 units', { kind: 'regex', pattern: '\\d+' })).toBe('42');
    expect(extractAnswer('ANSWER: B', { kind: 'regex', pattern: 'answer: ([a-d])', flags: 'i' })).toBe('B');
    expect(extractAnswer('ANSWER: B', { kind: 'regex', pattern: 'answer: ([a-d])' })).toBeNull();
    expect(extractAnswer('no', { kind: 'regex', pattern: '(yes)|no' })).toBeNull();
  });

  it('throws an error naming an invalid pattern, when the extractor is built', () => {
    expect(() => answerExtractor({ kind: 'regex', pattern: '#### ([0-9' })).toThrow(/Invalid answer-extraction regex "#### \(\[0-9"/);
    expect(() => extractAnswer('text', { kind: 'regex', pattern: '(?<' })).toThrow(/"\(\?<"/);
  });

  it('last-number: the last number, with sign, thousands separators (dropped) and decimals', () => {
    const last = { kind: 'last-number' } as const;
    expect(extractAnswer('3 apples and 1,234.5 pears', last)).toBe('1234.5');
    expect(extractAnswer('It was -7 degrees, then +3.', last)).toBe('+3');
    expect(extractAnswer('The answer is 42.', last)).toBe('42');
    expect(extractAnswer('It costs $0.50 each', last)).toBe('0.50');
    expect(extractAnswer('about .5 of it', last)).toBe('.5');
    expect(extractAnswer('no digits here', last)).toBeNull();
    // A hyphen between numbers or words is not a minus sign.
    expect(lastNumber('pages 3-5')).toBe('5');
    expect(lastNumber('COVID-19')).toBe('19');
    // "1,23" is not a thousands group: the numbers are 1 and 23.
    expect(lastNumber('1,23')).toBe('23');
    expect(lastNumber('12,345,678 people')).toBe('12345678');
  });

  it('whole: the trimmed text', () => {
    expect(extractAnswer('  Paris \n', { kind: 'whole' })).toBe('Paris');
  });
});

describe('exact match', () => {
  it('trims, case-folds and collapses whitespace', () => {
    expect(normalizeAnswer('  The   Eiffel\tTower \n')).toBe('the eiffel tower');
    expect(exactMatch('  The   Eiffel\tTower ', 'the eiffel tower')).toBe(1);
    expect(exactMatch('Eiffel Tower', 'the eiffel tower')).toBe(0);
  });

  it('drops thousands separators inside numbers, not commas between list items', () => {
    expect(exactMatch('1,234', '1234')).toBe(1);
    expect(exactMatch('the total is 1,234,567 dollars', 'The total is 1234567 dollars')).toBe(1);
    expect(exactMatch('1,2', '12')).toBe(0);
    expect(normalizeAnswer('1,2,3')).toBe('1,2,3');
    // A malformed grouping is left alone rather than half-joined into "1234,56".
    expect(normalizeAnswer('1,234,56')).toBe('1,234,56');
  });

  it('compares whole-number answers as numbers: "5.0" equals "5" (the documented decision)', () => {
    expect(exactMatch('5.0', '5')).toBe(1);
    expect(exactMatch('5.', '5')).toBe(1);
    expect(exactMatch('+5', '005')).toBe(1);
    expect(exactMatch('-0', '0')).toBe(1);
    expect(exactMatch('0.50', '.5')).toBe(1);
    expect(exactMatch('1,000.00', '1000')).toBe(1);
    expect(exactMatch('5.01', '5')).toBe(0);
    expect(exactMatch('-5', '5')).toBe(0);
    // Exact on digits: as doubles these two are the same number.
    expect(exactMatch('12345678901234567890', '12345678901234567891')).toBe(0);
    expect(canonicalNumber('-000.100')).toBe('-0.1');
    expect(canonicalNumber('.')).toBeNull();
    expect(canonicalNumber('1e3')).toBeNull();
  });

  it('folds full-width digits (NFKC), leaves other punctuation alone, takes any of several references, and scores null as 0', () => {
    expect(exactMatch('１２', '12')).toBe(1);
    expect(exactMatch('Paris.', 'Paris')).toBe(0);
    expect(exactMatch('$5', '5')).toBe(0);
    expect(exactMatch('nyc', ['New York', 'NYC'])).toBe(1);
    expect(exactMatch(null, '')).toBe(0);
  });
});

describe('token F1 (SQuAD)', () => {
  it('normalises as the SQuAD script: lower case, no ASCII punctuation, no articles', () => {
    expect(squadTokens('The cat, an owl & a mouse!')).toEqual(['cat', 'owl', 'mouse']);
    expect(squadTokens("Can't stop 1,234")).toEqual(['cant', 'stop', '1234']);
    // Articles are whole words as Python's Unicode \b sees them: "a" inside "éa" stays, "the" before "café" goes.
    expect(squadTokens('éa the café')).toEqual(['éa', 'café']);
  });

  it('scores bag-of-token overlap (hand-computed)', () => {
    // Both normalise to [cat, sat, on, mat].
    expect(tokenF1('the cat sat on the mat', 'A cat sat on a mat.')).toBe(1);
    // P = 2/2, R = 2/4: F1 = 2·1·0.5 / 1.5 = 2/3.
    expect(tokenF1('cat sat', 'cat sat on mat')).toBeCloseTo(2 / 3, 12);
    // Counts clip: overlap of {x:3, y:1} and {x:1, y:2} is 2; P = 2/4, R = 2/3; F1 = 4/7.
    expect(tokenF1('x x x y', 'x y y')).toBeCloseTo(4 / 7, 12);
    expect(tokenF1('dog', 'cat')).toBe(0);
  });

  it('is 1 when both sides are empty after normalising, 0 when only one is, and takes the best reference', () => {
    expect(tokenF1('The.', '')).toBe(1);
    expect(tokenF1('', 'cat')).toBe(0);
    expect(tokenF1(null, 'cat')).toBe(0);
    expect(tokenF1('cat sat', ['dog', 'cat sat', 'cat'])).toBe(1);
  });
});

describe('ROUGE-L', () => {
  it("Lin (2004), section 3.1: reference 'police killed the gunman'", () => {
    // Lin, "ROUGE: A Package for Automatic Evaluation of Summaries" (2004): S2 has ROUGE-L 3/4, S3 has 2/4 (recall, with equal lengths P = R = F).
    const s2 = rougeL('police kill the gunman', 'police killed the gunman');
    expect(s2.recall).toBe(3 / 4);
    expect(s2.precision).toBe(3 / 4);
    expect(s2.fmeasure).toBeCloseTo(3 / 4, 12);
    expect(rougeL('the gunman kill police', 'police killed the gunman').recall).toBe(2 / 4);
  });

  it('rouge-score unit tests: rougeL of "testing one" and "testing two" against "testing one two"', () => {
    // rouge-score testRougeLConsecutive / testRougeLNonConsecutive (its score(target, prediction) takes the target first).
    for (const prediction of ['testing one', 'testing two']) {
      const score = rougeL(prediction, 'testing one two');
      expect(score.precision).toBe(1);
      expect(score.recall).toBeCloseTo(2 / 3, 12);
      expect(score.fmeasure).toBeCloseTo(4 / 5, 12);
    }
    // testRougeEmpty: an empty side scores 0.
    expect(rougeL('', 'testing one two')).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  it('rouge-score against ROUGE-1.5.5 (testRougeLAgainstRouge155), with the rouge-score tokenizer', () => {
    // The first lines of rouge/testdata/target.txt and prediction.txt (random strings) in google-research/google-research.
    const target =
      "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
    const prediction = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
    const score = rougeL(prediction, target, { tokenizer: 'rouge-score' });
    expect(score.recall).toBeCloseTo(0.40741, 5);
    expect(score.precision).toBeCloseTo(0.6875, 5);
    expect(score.fmeasure).toBeCloseTo(0.51163, 5);
  });

  it('whitespace tokens keep punctuation on words; the rouge-score tokenizer drops it', () => {
    expect(rougeL('Hello, World!', 'hello world').fmeasure).toBe(0);
    expect(rougeL('Hello, World!', 'hello world', { tokenizer: 'rouge-score' }).fmeasure).toBe(1);
  });

  it('hand-computed LCS and F, and the best of several references', () => {
    // LCS of [a b c d] and [a c e] is [a c]: P = 2/4, R = 2/3, F = 4/7.
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'e'])).toBe(2);
    const score = rougeL('A b c d', 'a C e');
    expect(score.precision).toBe(0.5);
    expect(score.recall).toBeCloseTo(2 / 3, 12);
    expect(score.fmeasure).toBeCloseTo(4 / 7, 12);
    // rouge-score's LCS-table test: [1 2 3 4 5] and [2 5 3 4] share [2 3 4].
    expect(lcsLength(['1', '2', '3', '4', '5'], ['2', '5', '3', '4'])).toBe(3);
    expect(rougeL('a b', ['x', 'a b', 'a']).fmeasure).toBe(1);
  });
});

describe('tokenize13a', () => {
  // Expected outputs follow the rules in sacreBLEU's tokenizer_13a.py / tokenizer_re.py, applied by hand.
  it('splits punctuation and symbols off words', () => {
    expect(tokenize13a('Hello, world! (Really?)')).toBe('Hello , world ! ( Really ? )');
    expect(tokenize13a('a/b {c} [d] x=y@z $5 100%')).toBe('a / b { c } [ d ] x = y @ z $ 5 100 %');
  });

  it("keeps apostrophes, hyphens inside words, and '.' / ',' between digits", () => {
    expect(tokenize13a("It's a well-known fact.")).toBe("It's a well-known fact .");
    expect(tokenize13a('1,000.5 and 3.14')).toBe('1,000.5 and 3.14');
    // A comma after a digit but before a space is split off; a dash after a digit is split off.
    expect(tokenize13a('1, 2 and 3-4')).toBe('1 , 2 and 3 - 4');
    expect(tokenize13a('e.g. this')).toBe('e . g . this');
    // '.' or ',' after a non-digit is split off even before a digit.
    expect(tokenize13a('v.2 and x,3')).toBe('v . 2 and x , 3');
  });

  it('unescapes &quot; &amp; &lt; &gt; in that order, drops <skipped>, joins hyphen line breaks', () => {
    expect(tokenize13a('&quot;hi&quot; &lt;b&gt; &amp;quot;')).toBe('" hi " < b > & quot ;');
    expect(tokenize13a('a<skipped>b')).toBe('ab');
    expect(tokenize13a('well-\nknown\nline')).toBe('wellknown line');
  });
});

describe('BLEU', () => {
  it('sacreBLEU README: corpus BLEU 48.53 with two references per item', () => {
    // README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)";
    // test_bleu.py test_corpus_bleu_cases: 48.530827 (to 1e-8).
    const bleu = corpusBleu(README_HYPS, README_REFS);
    expect(bleu.score).toBeCloseTo(48.530827, 6);
    expect(bleu.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '50.0', '45.5', '37.5']);
    expect(bleu.bp.toFixed(3)).toBe('0.943');
    expect(bleu.ratio.toFixed(3)).toBe('0.944');
    expect([bleu.sysLen, bleu.refLen]).toEqual([17, 18]);
    // Smoothing changes nothing when every order has matches (test_bleu.py: smooth_method 'none' → 48.530827).
    expect(corpusBleu(README_HYPS, README_REFS, { smooth: 'none' }).score).toBeCloseTo(48.530827, 6);
  });

  it('sacreBLEU README: a variable number of references (an empty first reference) gives 29.44', () => {
    // README "Variable Number of References": "BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)".
    const refs = README_REFS.map((pair, i) => (i === 0 ? ['', pair[1]!] : pair));
    const bleu = corpusBleu(README_HYPS, refs);
    expect(bleu.score.toFixed(2)).toBe('29.44');
    expect(bleu.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '42.9', '27.3', '12.5']);
    expect(bleu.bp.toFixed(3)).toBe('0.889');
    expect([bleu.sysLen, bleu.refLen]).toEqual([17, 19]);
  });

  it('sacreBLEU test_bleu.py: other tokenizers, n-gram orders, and empty hypotheses', () => {
    expect(corpusBleu(README_HYPS, README_REFS, { tokenize: 'none' }).score).toBeCloseTo(49.1919566, 6);
    const byOrder = [1, 2, 3, 4, 5, 6].map((maxOrder) => corpusBleu(README_HYPS, README_REFS, { maxOrder }).score.toFixed(2));
    expect(byOrder).toEqual(['77.65', '60.50', '53.93', '48.53', '46.14', '43.28']);
    expect(corpusBleu(['', '', ''], README_REFS).score).toBe(0);
  });

  it('sacreBLEU test_bleu.py: raw_corpus_bleu cases (no tokenizer, floor smoothing, effective order)', () => {
    const raw = (hyps: string[], refs: string[], smoothValue = 0.01) =>
      corpusBleu(hyps, refs, { tokenize: 'none', smooth: 'floor', smoothValue, effectiveOrder: true });
    expect(raw(['this is a test'], ['this is a test']).score).toBeCloseTo(100, 6);
    expect(raw(['this is a fest'], ['this is a test']).score / 100).toBeCloseTo(0.223606797749979, 8);
    expect(raw(['this is a test', 'another test'], ['ref1', 'ref2']).score).toBe(0);
    // test_case_effective_order
    expect(raw(['test'], ['a test']).score / 100).toBeCloseTo(0.3678794411714425, 8);
    expect(raw(['a little test'], ['a test']).score / 100).toBeCloseTo(0.03218297948685433, 8);
    // test_case_statistics and test_case_offset
    const stats = raw(['am I am a character sequence'], ['I am a symbol string sequence a a'], 0.1);
    expect(stats.counts).toEqual([4, 2, 1, 0]);
    expect(stats.totals).toEqual([6, 5, 4, 3]);
    expect(stats.score / 100).toBeCloseTo(0.1555722182, 8);
    expect(raw(['am I am a character sequence'], ['I am a symbol string sequence a a'], 0).score).toBe(0);
  });

  it('sacreBLEU test_bleu.py test_scoring: BLEU from statistics', () => {
    expect(bleuFromStats([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, { smooth: 'none' }).score / 100).toBeCloseTo(0.8375922397, 8);
  });

  it('sacreBLEU test_sentence_bleu.py (issue #98): sentence BLEU under each smoothing, tokenizer and case', () => {
    const ref = 'producţia de zahăr brut se exprimă în zahăr alb;';
    const sys = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
    const cases: Array<[Parameters<typeof sentenceBleu>[2], number]> = [
      [{ smooth: 'exp' }, 8.493],
      [{ smooth: 'none' }, 0.0],
      [{ smooth: 'floor' }, 4.51688],
      [{ smooth: 'floor', smoothValue: 0.5 }, 10.1],
      [{ smooth: 'add-k' }, 14.882],
      [{ smooth: 'add-k', smoothValue: 2 }, 21.389],
      [{ tokenize: 'none' }, 7.347],
      [{ tokenize: 'char' }, 40.8759],
      [{ tokenize: 'char', lowercase: true }, 42.0267],
    ];
    for (const [options, expected] of cases) expect(Math.abs(sentenceBleu(sys, [ref], options).score - expected)).toBeLessThan(1e-3);
    // Issue #141: no match at all is 0 under every smoothing.
    for (const smooth of ['exp', 'none', 'floor', 'add-k'] as const) expect(sentenceBleu('this is a cat', 'okay thanks', { smooth }).score).toBe(0);
  });

  it('takes the closest reference length, the shorter on a tie (sacreBLEU _get_closest_ref_len)', () => {
    // 5 hypothesis tokens; references of 4 and 6 tokens are equally close: 4 is used, so no brevity penalty.
    const bleu = corpusBleu(['a b c d e'], [['a b c d', 'a b c d e f']]);
    expect(bleu.refLen).toBe(4);
    expect(bleu.bp).toBe(1);
    expect(corpusBleu(['a b c d e'], [['a b c d e f', 'a b c d e f g h']]).refLen).toBe(6);
  });

  it('rejects mismatched lengths and items without references', () => {
    expect(() => corpusBleu(['a'], [])).toThrow(/1 hypotheses but 0/);
    expect(() => corpusBleu(['a'], [[]])).toThrow(/at least one reference/);
  });
});

describe('chrF', () => {
  it('sacreBLEU README: corpus chrF2 = 59.73 with two references per item', () => {
    expect(corpusChrf(README_HYPS, README_REFS).score.toFixed(2)).toBe('59.73');
  });

  it('sacreBLEU test_chrf.py test_chrf_sentence_level (default chrF2, eps smoothing)', () => {
    const cases: Array<[string, string, number]> = [
      [
        'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
        'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.',
        39.14078509,
      ],
      [
        'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
        'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.',
        31.22557079,
      ],
      [
        'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
        'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.',
        57.15704367,
      ],
    ];
    for (const [hyp, ref, expected] of cases) expect(Math.abs(sentenceChrf(hyp, [ref], { epsSmoothing: true }).score - expected)).toBeLessThan(1e-4);
  });

  it('sacreBLEU test_chrf.py test_cases (beta 3, eps smoothing)', () => {
    const cases: Array<[string[], string[], number]> = [
      [['abcdefg'], ['hijklmnop'], 0],
      [[''], ['b'], 0],
      [['aa'], ['ab'], 8.3333],
      [['a', 'b'], ['a', 'c'], 8.3333],
      [['a'], ['a'], 16.6667],
      [['a b c'], ['a b c'], 50],
      [['a b c'], ['abc'], 50],
      [
        [' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
        ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
        63.36173,
      ],
      [
        [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
        ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
        64.1302698,
      ],
      [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100],
    ];
    for (const [hyps, refs, expected] of cases) expect(Math.abs(corpusChrf(hyps, refs, { beta: 3, epsSmoothing: true }).score - expected)).toBeLessThan(1e-4);
  });

  it('sacreBLEU test_chrf.py test_cases_effective_order (beta 3, sacreBLEU 2 default averaging)', () => {
    const cases: Array<[string[], string[], number]> = [
      [['a'], ['a'], 100],
      [[''], ['reference'], 0],
      [['a b c'], ['abc'], 100],
      [['a', 'b'], ['a', 'c'], 50],
      [['aa'], ['ab'], 25],
    ];
    for (const [hyps, refs, expected] of cases) expect(Math.abs(corpusChrf(hyps, refs, { beta: 3 }).score - expected)).toBeLessThan(1e-4);
  });

  it('sacreBLEU test_chrf.py test_cases_keep_whitespace (beta 3, whitespace kept)', () => {
    const cases: Array<[string, string, number]> = [
      [
        'Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.',
        'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.',
        67.3481606,
      ],
      [
        'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
        'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
        65.2414427,
      ],
    ];
    for (const [hyp, ref, expected] of cases) expect(Math.abs(corpusChrf([hyp], [ref], { beta: 3, whitespace: true }).score - expected)).toBeLessThan(1e-4);
  });

  it('chrF++ word n-grams split one punctuation mark off a word (hand-computed)', () => {
    // Words only, beta 1: "hi." gives [hi, .] against [hi]: P = 1/2, R = 1/1, F1 = 2/3.
    expect(sentenceChrf('hi.', 'hi', { charOrder: 0, wordOrder: 1, beta: 1 }).score).toBeCloseTo(200 / 3, 10);
    // Characters and words of order 1, beta 1: "a b" vs "a c": characters P = R = 1/2, words P = R = 1/2, so 50.
    expect(sentenceChrf('a b', 'a c', { charOrder: 1, wordOrder: 1, beta: 1 }).score).toBeCloseTo(50, 10);
  });

  it('counts characters as code points and takes the best reference per item', () => {
    // "😀😀" vs "😀x", orders 1..2, beta 1: unigrams P = R = 1/2, bigrams P = R = 0, averaged over both orders: P = R = 1/4, F = 25.
    expect(sentenceChrf('😀😀', '😀x', { charOrder: 2, beta: 1 }).score).toBeCloseTo(25, 10);
    expect(sentenceChrf('abc', ['xyz', 'abc']).score).toBeCloseTo(100, 10);
    expect(chrfFromStats([0, 0, 0])).toBe(0);
  });

  it('does not count hypothesis n-grams of an order the reference has none of (an empty reference adds nothing)', () => {
    // As sacreBLEU's _get_match_statistics: the second item contributes [0, 0, 0] for every order, so the corpus is the first item alone.
    expect(corpusChrf(['a b', 'xyz'], ['a b', '']).score).toBeCloseTo(100, 10);
  });
});

describe('pairedBootstrap', () => {
  /** A fixed pseudo-random list of 0/1 scores (a linear congruential sequence, not the code under test). */
  function coinFlips(n: number, seed: number, pOne: number): number[] {
    let state = seed;
    return Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648 < pOne ? 1 : 0;
    });
  }

  it('identical systems: delta 0, interval [0, 0], every item a tie', () => {
    const a = coinFlips(50, 1, 0.5);
    expect(pairedBootstrap(a, [...a], { seed: 7 })).toMatchObject({ delta: 0, low: 0, high: 0, better: 0, worse: 0, ties: 50 });
  });

  it('a constant improvement gives exactly that interval, and the counts are per item', () => {
    const a = [1, 5, 3, 8];
    const result = pairedBootstrap(a, [3, 7, 5, 10], { resamples: 200, seed: 1 });
    expect([result.delta, result.low, result.high]).toEqual([2, 2, 2]);
    expect(pairedBootstrap(a, [2, 5, 1, 8])).toMatchObject({ delta: -0.25, better: 1, worse: 1, ties: 2, n: 4 });
  });

  it('is deterministic for a seed and depends on it', () => {
    const a = coinFlips(100, 3, 0.5);
    const b = coinFlips(100, 4, 0.55);
    const first = pairedBootstrap(a, b, { seed: 42 });
    expect(pairedBootstrap(a, b, { seed: 42 })).toEqual(first);
    const other = pairedBootstrap(a, b, { seed: 43 });
    expect([other.low, other.high]).not.toEqual([first.low, first.high]);
    expect(other.delta).toBe(first.delta);
  });

  it("a clearly better system's interval excludes 0 and contains the observed delta", () => {
    // b is right on 60 items where a is wrong, wrong on 5 where a is right, and both agree on 135.
    const a = [...Array(60).fill(0), ...Array(5).fill(1), ...coinFlips(135, 9, 0.5)];
    const b = [...Array(60).fill(1), ...Array(5).fill(0), ...a.slice(65)];
    const result = pairedBootstrap(a, b, { seed: 5 });
    expect(result).toMatchObject({ better: 60, worse: 5, ties: 135 });
    expect(result.delta).toBeCloseTo(55 / 200, 12);
    expect(result.low).toBeGreaterThan(0);
    expect(result.low).toBeLessThan(result.delta);
    expect(result.high).toBeGreaterThan(result.delta);
    // With no real difference the interval straddles 0.
    const even = pairedBootstrap(coinFlips(200, 11, 0.5), coinFlips(200, 12, 0.5), { seed: 5 });
    expect(even.low).toBeLessThan(0);
    expect(even.high).toBeGreaterThan(0);
  });

  it('the interval is the sorted resampled deltas at floor(R·alpha/2) and R − 1 − that (re-derived here with seededRng)', () => {
    const a = coinFlips(30, 31, 0.5);
    const b = coinFlips(30, 32, 0.6);
    const rng = seededRng(99);
    const deltas: number[] = [];
    for (let r = 0; r < 1000; r++) {
      let total = 0;
      for (let k = 0; k < 30; k++) {
        const i = Math.floor(rng() * 30);
        total += b[i]! - a[i]!;
      }
      deltas.push(total / 30);
    }
    deltas.sort((x, y) => x - y);
    const result = pairedBootstrap(a, b, { seed: 99 });
    expect([result.low, result.high]).toEqual([deltas[25], deltas[974]]);
    expect(result.high).toBeLessThan(deltas[999]!);
  });

  it('a narrower confidence gives a narrower interval', () => {
    const a = coinFlips(80, 21, 0.5);
    const b = coinFlips(80, 22, 0.6);
    const wide = pairedBootstrap(a, b, { seed: 3, confidence: 0.99 });
    const narrow = pairedBootstrap(a, b, { seed: 3, confidence: 0.5 });
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('rejects unusable input', () => {
    expect(() => pairedBootstrap([1, 2], [1])).toThrow(/same items/);
    expect(() => pairedBootstrap([], [])).toThrow(/no items/);
    expect(() => pairedBootstrap([1], [1], { confidence: 1 })).toThrow(/confidence/);
    expect(() => pairedBootstrap([1], [1], { resamples: 0 })).toThrow(/resamples/);
    expect(() => pairedBootstrap([NaN], [1])).toThrow(/finite/);
  });
});

describe('verdictText', () => {
  const result: BootstrapResult = { delta: 0.04, low: 0.012, high: 0.068, better: 62, worse: 40, ties: 0, n: 102, confidence: 0.95, resamples: 1000 };

  it('says it in one line, scaled to points', () => {
    expect(verdictText(result, 'points', { scale: 100 })).toBe('better on 62 items, worse on 40, 95% CI +1.2 to +6.8 points');
  });

  it('shows ties, negative ends, a value rounding to zero without a sign, and other units', () => {
    const mixed = { ...result, low: -0.5, high: 0.04, better: 1, ties: 3, confidence: 0.9 };
    expect(verdictText(mixed, 'BLEU')).toBe('better on 1 item, worse on 40, same on 3, 90% CI -0.5 to 0.0 BLEU');
  });
});
