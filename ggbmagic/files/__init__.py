"""What ggbmagic does to constructions that come from files before GeoGebra gets them.

``scripts`` removes their JavaScript (pure); ``guard`` applies it, with the size limits of
``ggbfile``, to every path that hands GeoGebra a construction from the kernel.
"""
