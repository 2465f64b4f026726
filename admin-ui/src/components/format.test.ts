import { describe, expect, it } from 'vitest';
import { formatRate, formatUsd } from './format';

describe('formatUsd', () => {
  it('shows the significant digits of a cost below one cent', () => {
    expect(formatUsd(0.000123)).toBe('$0.000123');
    expect(formatUsd(0.0000456789)).toBe('$0.0000457');
    expect(formatUsd(0.0042)).toBe('$0.0042');
  });

  it('gives distinct labels to the ticks of a small cost axis', () => {
    const ticks = [0, 0.00005, 0.0001, 0.00015, 0.0002].map(formatUsd);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toEqual(['$0', '$0.00005', '$0.0001', '$0.00015', '$0.0002']);
  });

  it('keeps cents from a dollar up and drops zeros that say nothing', () => {
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(null)).toBe('—');
  });
});

describe('formatRate', () => {
  it('writes axis ticks as whole percents and measured rates with one decimal', () => {
    expect([0, 0.25, 0.5, 0.75, 1].map(formatRate)).toEqual(['0%', '25%', '50%', '75%', '100%']);
    expect(formatRate(0.1234)).toBe('12.3%');
  });
});
