"""Pictures of the construction: framing math (pure), hidden-object rules (pure), and the
image work done with Pillow (cropping, animated GIFs). No talking to GeoGebra here: the
picture methods of ``GeoGebra`` (applet_files.py) ask the applet and use these."""
