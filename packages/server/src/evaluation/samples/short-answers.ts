/**
 * Generation: short questions whose answer is one number (sums, differences, products, unit
 * conversions), all computed here. The last number of the output is compared with the reference,
 * so "The answer is 42." and "42" both count.
 */
import { SAMPLE_AUTHOR, SAMPLE_LICENCE, type SampleBenchmark } from './sample.js';

type Row = { question: string; answer: string };

const row = (question: string, answer: number): Row => ({ question, answer: String(answer) });

const sums: [number, number][] = [
  [17, 25],
  [8, 5],
  [14, 9],
  [33, 48],
  [61, 27],
  [45, 55],
  [19, 19],
  [120, 35],
];
const differences: [number, number][] = [
  [20, 8],
  [47, 19],
  [90, 36],
  [63, 28],
  [100, 1],
  [75, 50],
];
const products: [number, number][] = [
  [4, 6],
  [9, 7],
  [12, 5],
  [15, 3],
  [8, 8],
  [25, 4],
];

/** [quantity, from unit (plural), to unit (plural), factor]: "How many <to> are in <n> <from>?" */
const conversions: [number, string, string, number][] = [
  [3, 'metres', 'centimetres', 100],
  [2, 'kilometres', 'metres', 1000],
  [5, 'kilograms', 'grams', 1000],
  [2, 'hours', 'minutes', 60],
  [3, 'minutes', 'seconds', 60],
  [4, 'days', 'hours', 24],
  [3, 'weeks', 'days', 7],
  [2, 'years', 'months', 12],
  [4, 'litres', 'millilitres', 1000],
  [6, 'centimetres', 'millimetres', 10],
];

const counting: Row[] = [
  row('How many sides does a triangle have?', 3),
  row('How many sides does a square have?', 4),
  row('How many legs does a dog have?', 4),
  row('How many wheels does a bicycle have?', 2),
  row('How many days are in a week?', 7),
  row('How many minutes are in an hour?', 60),
  row('How many hours are in a day?', 24),
  row('How many months are in a year?', 12),
  row('How many letters are in the word "cat"?', 3),
  row('How many fingers are on one hand?', 5),
];

export const shortAnswersSample: SampleBenchmark = {
  id: 'short-answers-generate',
  name: 'Short numeric answers (generation)',
  task: 'generate',
  description:
    'Sums, differences, products, unit conversions and counting questions answered with one number. The model generates a few tokens; the last number in its answer must equal the reference.',
  licence: SAMPLE_LICENCE,
  author: SAMPLE_AUTHOR,
  rows: [
    ...sums.map(([a, b]) => row(`What is ${a} + ${b}?`, a + b)),
    ...differences.map(([a, b]) => row(`What is ${a} - ${b}?`, a - b)),
    ...products.map(([a, b]) => row(`What is ${a} × ${b}?`, a * b)),
    ...conversions.map(([n, from, to, factor]) => row(`How many ${to} are in ${n} ${from}?`, n * factor)),
    ...counting,
  ],
  definition: {
    fields: { question: 'question', answer: 'answer' },
    template: { prompt: 'Question: {question}\nAnswer:', continuation: ' {answer}' },
    generation: { maxNewTokens: 12, stop: ['\n'], extractor: { kind: 'last-number' } },
  },
};
