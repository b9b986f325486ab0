import type { Permission } from '@qlora-studio/contracts';
import { useId } from 'react';
import { Button, type ButtonProps } from '../ui/button';
import { Tooltip } from '../ui/tooltip';
import { usePermission } from '../../lib/system/get-session';

/**
 * A button for an action that needs a permission. Without it the button stays visible and
 * focusable but inert, and its tooltip (and accessible description) says why.
 */
export function PermissionButton({ permission, onClick, ...props }: ButtonProps & { permission: Permission }) {
  const { allowed, reason } = usePermission(permission);
  const reasonId = useId();
  if (allowed) return <Button onClick={onClick} {...props} />;
  return (
    <>
      <Tooltip content={reason}>
        <Button {...props} loading={false} aria-disabled aria-describedby={reasonId} onClick={(e) => e.preventDefault()} />
      </Tooltip>
      <span id={reasonId} className="sr-only">
        {reason}
      </span>
    </>
  );
}
