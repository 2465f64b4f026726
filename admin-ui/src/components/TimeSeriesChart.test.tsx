import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { bucketStarts, TimeSeriesChart } from './TimeSeriesChart';

describe('TimeSeriesChart', () => {
  it('says it is loading, and then that there is no data, instead of drawing an empty chart', () => {
    const { rerender } = render(<TimeSeriesChart title="Cost" series={[{ name: 'cost', points: [] }]} loading />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading cost…');
    rerender(<TimeSeriesChart title="Cost" series={[{ name: 'cost', points: [] }]} />);
    expect(screen.getByText('No requests in this time range.')).toBeInTheDocument();
  });

  it('covers every bucket of the range, aligned to UTC hours', () => {
    const starts = bucketStarts({ from: '2026-12-01T10:30:00Z', to: '2026-12-01T13:00:00Z', granularity: 'hour' });
    expect(starts.map((t) => new Date(t).toISOString())).toEqual([
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T11:00:00.000Z',
      '2026-12-01T12:00:00.000Z',
    ]);
  });
});

describe('niceTicks', () => {
  it('gives round steps for a small cost axis', async () => {
    const { niceTicks } = await import('./LinePlot');
    expect(niceTicks(0.000026)).toEqual([0, 0.00001, 0.00002, 0.00003]);
    expect(niceTicks(2)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(18)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
