/**
 * Pins our NF4 layout to what ONNX Runtime's com.microsoft MatMulBnb4 reads: Y = A · dequant(B)ᵀ
 * with B the weight [N = out, K = in] flattened row-major, blocks of `block_size`, two codes per
 * byte with the even element in the high nibble (quant_type 1 = NF4, transB 1, training_mode 0).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr, makeTensor } from '../src/onnx/model.js';
import { dequantizeNf4, NF4_FORMAT, nf4ErrorBounds, quantizeNf4, quantizeNf4Dq, undoubleNf4, type Nf4Tensor } from '../src/quant/index.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { matmulForward } from '../src/reference/matmul.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { runModel } from './helpers.js';

const TOLERANCE = 1e-5;

/** Y[M, N] = A[M, K] · dequant(W)ᵀ with the packed weight as an initializer and absmax as an input. */
function matMulBnb4Model(w: Nf4Tensor, K: number, N: number): Uint8Array {
  const g = new GraphBuilder('matmul_bnb4');
  const a = g.input('A', 'float32', ['M', K]);
  const b = g.initializer('B', makeTensor('uint8', [w.packed.length], w.packed));
  const absmax = g.input('absmax', 'float32', [w.absmax.length]);
  const y = g.op(
    'MatMulBnb4',
    [a, b, absmax],
    { K: attr.int(K), N: attr.int(N), block_size: attr.int(w.blockSize), quant_type: attr.int(NF4_FORMAT.matMulBnb4QuantType) },
    { domain: 'com.microsoft', output: 'Y' },
  );
  g.output(y, 'float32', ['M', N]);
  return g.toModelBytes();
}

/** wᵀ of a row-major [rows, cols] matrix. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c] as number;
  return out;
}

async function runBnb4(w: Nf4Tensor, a: Float32Array, M: number, K: number, N: number): Promise<Float32Array> {
  const out = await runModel(matMulBnb4Model(w, K, N), {
    A: { data: a, dims: [M, K] },
    absmax: { data: w.absmax, dims: [w.absmax.length] },
  });
  expect(out['Y']?.dims).toEqual([M, N]);
  return out['Y']?.data as Float32Array;
}

describe('MatMulBnb4 reads our NF4 layout', () => {
  // N·K = 280: four full blocks of 64 and a partial one; 273: odd, so the last byte is half used.
  for (const [M, K, N, blockSize] of [
    [3, 40, 7, 64],
    [5, 39, 7, 64],
    [2, 96, 5, 128],
  ] as const) {
    it(`computes A · dequant(W)ᵀ like the reference for M=${M} K=${K} N=${N} block ${blockSize}`, async () => {
      const rng = seededRng(M * 1000 + K);
      const w = randomUniform(N * K, rng, -0.1, 0.1); // [N, K]
      const a = randomUniform(M * K, rng);
      const q = quantizeNf4(w, blockSize);
      const y = await runBnb4(q, a, M, K, N);
      const want = matmulForward(a, transpose(dequantizeNf4(q), N, K), M, K, N);
      expect(maxRelativeError(y, want).maxError).toBeLessThan(TOLERANCE);
      // And against the unquantized weight: |y − A·wᵀ| ≤ Σ_k |A[m,k]| · bound(block of (n,k)).
      const exact = matmulForward(a, transpose(w, N, K), M, K, N);
      const bounds = nf4ErrorBounds(q);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let allowed = 1e-6;
          for (let k = 0; k < K; k++) allowed += Math.abs(a[m * K + k] as number) * (bounds[Math.floor((n * K + k) / blockSize)] as number);
          expect(Math.abs((y[m * N + n] as number) - (exact[m * N + n] as number))).toBeLessThanOrEqual(allowed);
        }
      }
    });
  }

  it('puts element (n, k) where we do: a single non-zero weight at an even and at an odd k', async () => {
    const [M, K, N] = [2, 10, 3];
    for (const k of [4, 5]) {
      const w = new Float32Array(N * K);
      w[1 * K + k] = 0.75; // row n = 1 of the [N, K] weight
      const a = Float32Array.from({ length: M * K }, (_, i) => i + 1);
      const y = await runBnb4(quantizeNf4(w), a, M, K, N);
      // code 15 (+1) · absmax 0.75 lands only in column n = 1, weighted by A[m, k]
      expect(Array.from(y)).toEqual([0, 0.75 * (k + 1), 0, 0, 0.75 * (K + k + 1), 0]);
    }
  });

  it('runs a double-quantized weight once its absmax is dequantized', async () => {
    const [M, K, N] = [4, 64, 6];
    const rng = seededRng(77);
    const w = randomUniform(N * K, rng, -0.05, 0.05);
    const a = randomUniform(M * K, rng);
    const q = undoubleNf4(quantizeNf4Dq(w));
    const y = await runBnb4(q, a, M, K, N);
    const want = matmulForward(a, transpose(dequantizeNf4(q), N, K), M, K, N);
    expect(maxRelativeError(y, want).maxError).toBeLessThan(TOLERANCE);
  });
});
