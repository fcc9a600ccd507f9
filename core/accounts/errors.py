from __future__ import annotations

from core.shared.errors import AuthenticationFailed, InvalidInput, PermissionDenied

__all__ = ["AuthenticationFailed", "InvalidInput", "PermissionDenied"]
