/**
 * Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
 * binary suffixes Ki..Ei, decimal k..E, millis `m`, and exponents `1e3`.
 * CPU is returned in millicores, everything else in base units.
 */
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

export function parseQuantity(text: unknown, millis = false): number | null {
  if (typeof text === 'number') return millis ? text * 1000 : text;
  if (typeof text !== 'string') return null;
  const m = QUANTITY.exec(text.trim());
  if (!m) return null;
  const base = Number(m[1]) * (m[2] !== undefined ? 10 ** Number(m[2]) : SUFFIX[m[3] ?? '']!);
  return millis ? Math.round(base * 1000) : Math.round(base);
}
