import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './Modal';

describe('Modal', () => {
  it('focuses the first control, keeps Tab inside and closes on Escape', async () => {
    const user = userEvent.setup({ delay: null });
    const onCancel = vi.fn();
    render(<ConfirmDialog title="Delete it?" message="Sure?" confirmLabel="Delete" onConfirm={() => {}} onCancel={onCancel} />);
    expect(screen.getByRole('dialog', { name: 'Delete it?' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Delete' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Delete' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalled();
  });
});
