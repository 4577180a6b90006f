import { approximateRendering } from '../src/core/tokens';
for (const n of [5000, 20000, 40000]) {
  for (const unit of ['{{', '{{!--', '{#', '{%']) {
    const f = { messages: [{ role: 'user', template: unit.repeat(n) }] } as never;
    const t = performance.now();
    approximateRendering(f);
    console.log(unit, n, Math.round(performance.now() - t), 'ms');
  }
}
