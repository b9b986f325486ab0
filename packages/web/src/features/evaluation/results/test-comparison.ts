import type { EvaluationComparison } from '@qlora-studio/contracts';

type Cell = EvaluationComparison['examples'][number]['models'][number];
const cell = (label: string, prediction: string, right: boolean, outcome?: Cell['outcome']): Cell => ({
  label,
  prediction,
  correct: right,
  scores: { accuracy: right ? 1 : 0 },
  ...(outcome ? { outcome } : {}),
});

/** A small comparison as the server sends it: a base and one adapter on four multiple-choice items. */
export function comparisonFixture(): EvaluationComparison {
  const outcomes: [boolean, boolean, Cell['outcome']][] = [
    [false, true, 'won'],
    [true, false, 'lost'],
    [true, true, 'both right'],
    [false, false, 'both wrong'],
  ];
  return {
    benchmark: { name: 'Quiz', task: 'multiple-choice', version: 1, items: 4 },
    models: [
      { label: 'Tiny', quant: 'nf4', kernels: 'fast', settings: {} },
      { label: 'Tiny + My fine-tune', quant: 'none', kernels: 'float32', settings: {} },
    ],
    metrics: [
      {
        name: 'accuracy',
        values: [0.5, 0.5],
        lowerIsBetter: false,
        perItem: true,
        unit: 'points',
        scale: 100,
        deltas: [
          {
            label: 'Tiny + My fine-tune',
            delta: 0,
            bootstrap: { delta: 0, low: -0.5, high: 0.5, better: 1, worse: 1, ties: 2, n: 4, confidence: 0.95, resamples: 1000 },
            verdict: 'better on 1 item, worse on 1, same on 2, 95% CI -50.0 to +50.0 points',
          },
        ],
      },
    ],
    examples: outcomes.map(([base, tuned, outcome], index) => ({
      index,
      prompt: `Question ${index}?`,
      reference: `Answer ${index}`,
      models: [cell('Tiny', 'b', base), cell('Tiny + My fine-tune', 't', tuned, outcome)],
    })),
    bootstrap: { resamples: 1000, confidence: 0.95, seed: 12345 },
  };
}
