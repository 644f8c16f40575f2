"""Image work on GeoGebra's exports: cropping a PNG, cropping an SVG by its viewBox,
and joining PNG frames into an animated GIF (Pillow). Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from PIL import Image

__all__ = ["crop_png", "crop_svg", "gif_from_pngs"]

_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_ATTR = r'\s{name}\s*=\s*"[^"]*"'


def crop_png(data: bytes, crop: tuple[int, int, int, int]) -> bytes:
    """The rectangle ``crop`` (left, top, right, bottom) of a PNG, as a PNG. A rectangle
    reaching past the image (GeoGebra rounds its export size) is filled with the
    image's corner colour, so the size is always the one asked for."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        out = img.crop(crop)  # Pillow pads outside the image with zeros (transparent)
        if img.mode in ("RGBA", "LA", "P") and _reaches_past(crop, img.size):
            corner = img.convert("RGBA").getpixel((0, 0))
            base = Image.new("RGBA", out.size, corner)
            base.alpha_composite(out.convert("RGBA"))
            out = base
        buf = io.BytesIO()
        out.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _reaches_past(crop: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    left, top, right, bottom = crop
    return left < 0 or top < 0 or right > size[0] or bottom > size[1]


def crop_svg(text: str, view_box: tuple[float, float, float, float],
             size: tuple[int, int]) -> str:
    """The SVG with its root showing only ``view_box`` (x, y, width, height in the SVG's
    own units) at ``size`` pixels.

    >>> crop_svg('<svg a="1" width="800" height="600"><g/></svg>', (200, 150, 400, 300),
    ...          (400, 300))[:62]
    '<svg a="1" width="400" height="300" viewBox="200 150 400 300" '
    """
    m = _SVG_ROOT.search(text)
    if m is None:
        raise ValueError("GeoGebra did not return an SVG image")
    root = m.group(0)
    for name in ("width", "height", "viewBox", "preserveAspectRatio"):
        root = re.sub(_ATTR.format(name=name), "", root)
    box = " ".join(f"{v:.6g}" for v in view_box)
    closing = "/>" if root.endswith("/>") else ">"
    root = (root[: -len(closing)].rstrip() + f' width="{size[0]}" height="{size[1]}"'
            f' viewBox="{box}" preserveAspectRatio="xMidYMid meet"' + closing)
    return text[: m.start()] + root + text[m.end():]


def gif_from_pngs(frames: Sequence[bytes], duration_ms: int, *, loop: int = 0) -> bytes:
    """An animated GIF of the PNG frames, each shown ``duration_ms``; ``loop=0`` repeats
    for ever. All frames get one palette built from them all, so colours do not flicker."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    images = []
    for data in frames:
        with Image.open(io.BytesIO(data)) as img:
            images.append(img.convert("RGB"))
    # One palette for the whole film: quantize a strip of all frames together.
    w, h = images[0].size
    strip = Image.new("RGB", (w, h * min(len(images), 8)))
    step = max(1, len(images) // 8)
    for i, img in enumerate(images[::step][:8]):
        strip.paste(img.resize((w, h)) if img.size != (w, h) else img, (0, i * h))
    palette = strip.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [img.quantize(palette=palette, dither=Image.Dither.NONE) for img in images]
    buf = io.BytesIO()
    quantized[0].save(buf, format="GIF", save_all=True, append_images=quantized[1:],
                      duration=int(duration_ms), loop=int(loop), optimize=False, disposal=1)
    return buf.getvalue()
