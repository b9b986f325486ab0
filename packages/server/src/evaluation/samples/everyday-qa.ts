/**
 * Question and answer pairs for held-out loss and perplexity: short, plain answers in full
 * sentences, so a lower loss means the model finds sensible everyday answers more likely.
 */
import { SAMPLE_AUTHOR, SAMPLE_LICENCE, type SampleBenchmark } from './sample.js';

const pairs: [string, string][] = [
  ['What do plants need to grow?', 'Plants need light, water, air and nutrients from the soil.'],
  ['Why do we wear coats in winter?', 'Coats keep our bodies warm when the air is cold.'],
  ['What is the sun?', 'The sun is a star that gives the Earth light and heat.'],
  ['How do fish breathe?', 'Fish breathe through gills that take oxygen from the water.'],
  ['What does a thermometer measure?', 'A thermometer measures temperature.'],
  ['Why do we brush our teeth?', 'Brushing removes food and germs that cause tooth decay.'],
  ['What is rain?', 'Rain is water that falls from clouds in drops.'],
  ['What is a map used for?', 'A map shows where places are and how to get from one to another.'],
  ['Why does ice melt in a warm room?', 'The warm air heats the ice until it turns back into water.'],
  ['What do cows eat?', 'Cows mostly eat grass and hay.'],
  ['What is a calendar for?', 'A calendar shows the days, weeks and months of a year.'],
  ['Why do leaves fall in autumn?', 'Many trees drop their leaves in autumn to save water through the winter.'],
  ['What is the moon?', 'The moon is a natural satellite that travels around the Earth.'],
  ['How many hours are in a day?', 'There are 24 hours in a day.'],
  ['What is bread made from?', 'Bread is made mostly from flour, water, yeast and salt.'],
  ['Why should you look both ways before crossing a road?', 'Looking both ways lets you see cars coming so you can cross safely.'],
  ['What does a library lend?', 'A library lends books and other media to its members.'],
  ['What is a rainbow?', 'A rainbow is a band of colours made when sunlight passes through raindrops.'],
  ['Why do we need sleep?', 'Sleep lets the body rest and the brain recover.'],
  ['What is the boiling point of water at sea level?', 'Water boils at 100 degrees Celsius at sea level.'],
  ['What do bees collect from flowers?', 'Bees collect nectar and pollen from flowers.'],
  ['What is a clock for?', 'A clock tells the time.'],
  ['Why do boats float?', 'A boat floats because it pushes aside as much water as it weighs.'],
  ['What is snow?', 'Snow is frozen water that falls from clouds as flakes.'],
  ['What does a doctor do?', 'A doctor helps people who are ill or hurt to get better.'],
  ['Why do we wash our hands?', 'Washing our hands removes germs that can make us ill.'],
  ['What is the largest ocean on Earth?', 'The Pacific Ocean is the largest ocean on Earth.'],
  ['What is a seed?', 'A seed is the part of a plant that can grow into a new plant.'],
  ['How do birds fly?', 'Birds fly by flapping their wings, which push against the air.'],
  ['What is an umbrella for?', 'An umbrella keeps you dry in the rain.'],
];

export const everydayQaSample: SampleBenchmark = {
  id: 'everyday-qa-loss',
  name: 'Everyday questions and answers (loss)',
  task: 'loss',
  description:
    'Thirty everyday questions with short reference answers. Measures the loss and perplexity of the answers given the questions (completion only, as training computes it): lower is better.',
  licence: SAMPLE_LICENCE,
  author: SAMPLE_AUTHOR,
  rows: pairs.map(([question, answer]) => ({ question, answer })),
  definition: { fields: { question: 'question', answer: 'answer' } },
};
