"""A GeoGebra Math Apps Bundle installed into Jupyter, and served by the Jupyter server.

``checks`` (pure: what a bundle is, which files the applet needs, zip safety),
``store`` (I/O: install, list, remove in the Jupyter data directories), ``download``
(``install --download``), ``cli`` (``jupyter ggbmagic geogebra …``) and ``handler`` (the
server extension's routes under ``<base_url>ggbmagic/geogebra/``).
"""
