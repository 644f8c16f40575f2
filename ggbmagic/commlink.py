"""Moved to :mod:`ggbmagic.transport.commlink` (kept so old imports work)."""

from .transport.commlink import CommLink

__all__ = ["CommLink"]
