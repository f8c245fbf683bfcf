import { describe, expect, it } from 'vitest';
import { planStage } from './stageLayout';

const remote = (key: string) => ({ key, isSelf: false });
const own = { key: 'self', isSelf: true };

describe('planStage', () => {
  it('is a plain grid while nobody shares a screen', () => {
    expect(planStage([])).toEqual({ kind: 'grid' });
  });

  it('features a remote screen over our own preview', () => {
    const plan = planStage([remote('p1'), own]);
    expect(plan).toEqual({ kind: 'presentation', featured: remote('p1'), others: [own] });
  });

  it('features our own screen when it is the only one', () => {
    expect(planStage([own])).toEqual({ kind: 'presentation', featured: own, others: [] });
  });

  it('features the first remote screen and keeps the rest in the strip, in order', () => {
    const plan = planStage([remote('p1'), remote('p2'), own]);
    expect(plan.kind === 'presentation' && plan.featured.key).toBe('p1');
    expect(plan.kind === 'presentation' && plan.others.map((s) => s.key)).toEqual(['p2', 'self']);
  });

  it('features a pinned screen while it is shared, and falls back when it stops', () => {
    const pinned = planStage([remote('p1'), remote('p2')], 'p2');
    expect(pinned.kind === 'presentation' && pinned.featured.key).toBe('p2');
    const gone = planStage([remote('p1')], 'p2');
    expect(gone.kind === 'presentation' && gone.featured.key).toBe('p1');
  });
});
