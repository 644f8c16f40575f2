"""The notebook's one construction, kept by the kernel (docs/architecture.md, "Keeping
the construction"): :mod:`.store` holds the authoritative copy, :mod:`.keeper` keeps it
up to date from the applet and hands it to every applet built for the notebook."""

from .keeper import Keeper
from .store import ConstructionStore

__all__ = ["ConstructionStore", "Keeper"]
