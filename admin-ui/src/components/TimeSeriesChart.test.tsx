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
