import { countTokens } from '../src/core/tokens';
for (const n of [5000, 10000, 20000, 40000]) {
  const t = performance.now();
  const c = countTokens('x'.repeat(n));
  console.log(n, c, Math.round(performance.now() - t), 'ms');
}
