/**
 * Multiple choice: simple arithmetic (answers and distractors computed here) and everyday facts,
 * four choices each. The right choice's position varies, so always answering "A" scores 25%.
 */
import { SAMPLE_AUTHOR, SAMPLE_LICENCE, shuffled, type SampleBenchmark } from './sample.js';

type Row = { question: string; choices: string[]; answer: string };

/** A question with its answer and three wrong choices, placed in a seeded order. */
function item(question: string, answer: string | number, wrong: (string | number)[], seed: number): Row {
  const choices = shuffled([answer, ...wrong].map(String), seed);
  if (new Set(choices).size !== 4) throw new Error(`The sample question "${question}" has repeated choices.`);
  return { question, choices, answer: String(answer) };
}

/** Wrong answers near the right one, as careless arithmetic gives them (off by one either way, off by ten). */
function near(value: number): number[] {
  return [value + 1, value - 1, value + 10];
}

const sums: [number, number][] = [
  [3, 4],
  [7, 8],
  [12, 9],
  [15, 27],
  [23, 19],
  [38, 44],
  [56, 17],
  [64, 29],
];
const differences: [number, number][] = [
  [9, 4],
  [15, 7],
  [30, 12],
  [52, 25],
  [71, 38],
  [100, 45],
];
const products: [number, number][] = [
  [3, 4],
  [6, 7],
  [8, 9],
  [5, 12],
  [11, 11],
  [7, 13],
];
const quotients: [number, number][] = [
  [12, 3],
  [36, 4],
  [56, 8],
  [81, 9],
];

const arithmetic: Row[] = [
  ...sums.map(([a, b], i) => item(`What is ${a} + ${b}?`, a + b, near(a + b), 100 + i)),
  ...differences.map(([a, b], i) => item(`What is ${a} - ${b}?`, a - b, near(a - b), 200 + i)),
  ...products.map(([a, b], i) => item(`What is ${a} × ${b}?`, a * b, [a * b + a, a * b - b, a + b], 300 + i)),
  ...quotients.map(([a, b], i) => item(`What is ${a} ÷ ${b}?`, a / b, [a / b + 1, a / b - 1, a - b], 400 + i)),
];

const unitFacts: Row[] = [
  item('How many days are in a week?', 7, [5, 6, 10], 500),
  item('How many hours are in a day?', 24, [12, 20, 60], 501),
  item('How many minutes are in an hour?', 60, [24, 100, 30], 502),
  item('How many months are in a year?', 12, [10, 11, 52], 503),
  item('How many centimetres are in a metre?', 100, [10, 12, 1000], 504),
  item('How many grams are in a kilogram?', 1000, [100, 10, 60], 505),
];

const everydayFacts: Row[] = [
  item('Which of these is a fruit?', 'apple', ['carrot', 'potato', 'onion'], 600),
  item('What colour is a clear daytime sky?', 'blue', ['green', 'red', 'purple'], 601),
  item('Which animal says "moo"?', 'cow', ['cat', 'dog', 'duck'], 602),
  item('What do bees make?', 'honey', ['milk', 'silk', 'wool'], 603),
  item('Which season is usually the coldest?', 'winter', ['summer', 'spring', 'autumn'], 604),
  item('What does water turn into when it freezes?', 'ice', ['steam', 'sand', 'salt'], 605),
  item('Which planet do we live on?', 'Earth', ['Mars', 'Venus', 'Jupiter'], 606),
  item('How many legs does a spider have?', 8, [6, 4, 10], 607),
  item('Which of these is used to write on paper?', 'a pencil', ['a spoon', 'a pillow', 'a cup'], 608),
  item('Where does the sun rise?', 'in the east', ['in the west', 'in the north', 'in the south'], 609),
];

export const arithmeticChoiceSample: SampleBenchmark = {
  id: 'arithmetic-facts-choice',
  name: 'Arithmetic and everyday facts (multiple choice)',
  task: 'multiple-choice',
  description:
    'Simple sums, differences, products and quotients, unit facts and everyday facts, each with four choices scored by log-likelihood. Easy for people; a quick check that a small model still knows the basics after fine-tuning.',
  licence: SAMPLE_LICENCE,
  author: SAMPLE_AUTHOR,
  rows: [...arithmetic, ...unitFacts, ...everydayFacts],
  definition: { fields: { question: 'question', choices: 'choices', answer: 'answer' } },
};
