"""The transport ladder: the ways a browser's answers reach the kernel (docs/architecture.md).

One :class:`~ggbmagic.channel.Channel` per kernel holds the waiting requests; the
*links* in this package carry frames between it and one browser page. The best live
link is used, in this order:

1. ``relay`` (:mod:`.relay`): the out-of-band socket through the Jupyter server's
   relay — when the server runs the kernel (the socket is on its machine);
2. ``subshell`` / ``loopback`` (:mod:`.upcomm`, and any :class:`~.link.Link` another
   shell plugs in): a browser → kernel comm handled on a kernel subshell, so it
   answers while a cell runs — remote kernels (Kernel Gateway, Enterprise Gateway);
3. ``after-cell``: the same comm on the main shell — answers arrive only after the
   cell, so requests that need an answer in the cell fail at once with a fix-it
   (:mod:`.ladder` holds the judgement and the ``%ggb --doctor`` report).

Kernel → browser always has the ``ggbmagic`` comm (:mod:`.commlink`): hello, panel
control, and every request when the link cannot carry them.
"""

from .link import Link, LinkPath, LinkSink

__all__ = ["Link", "LinkPath", "LinkSink"]
