"""How the kernel's out-of-band socket is reached and guarded (admission of connections)."""
