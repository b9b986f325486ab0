/**
 * Rotary position tables, computed as transformers computes them (float32 inverse frequencies,
 * float32 angles), shared by the reference and the ONNX Runtime graphs (which take cos/sin as
 * inputs), so both rotate by the same numbers.
 */
import type { RopeSpec } from './architecture.js';

/**
 * The D/2 inverse frequencies, with `rope_scaling` applied:
 * - none: 1 / theta^(2i/D)
 * - linear: divided by `factor`
 * - llama3: low frequencies (wavelength above original_max / low_freq_factor) divided by
 *   `factor`, high ones (wavelength below original_max / high_freq_factor) kept, the band in
 *   between interpolated smoothly — transformers' `_compute_llama3_parameters`.
 */
export function ropeInvFreq(headDim: number, rope: RopeSpec): Float32Array {
  const D = headDim;
  const base = new Float32Array(D / 2);
  for (let i = 0; i < D / 2; i++) base[i] = 1 / rope.theta ** Math.fround((2 * i) / D);
  const scaling = rope.scaling;
  if (scaling.type === 'none') return base;
  if (scaling.type === 'linear') return base.map((f) => f / scaling.factor);
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: oldContext } = scaling;
  const lowFreqWavelen = oldContext / lowFreqFactor;
  const highFreqWavelen = oldContext / highFreqFactor;
  return base.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen > lowFreqWavelen) return f / factor;
    if (wavelen < highFreqWavelen) return f;
    const smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

/**
 * cos and sin of position · inv_freq for positions start … start + T − 1.
 * @returns cos, sin: (T, D/2) each
 */
export function ropeTables(invFreq: Float32Array, start: number, T: number): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround((start + t) * (invFreq[i] as number));
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}
