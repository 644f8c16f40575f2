"""``install --download``: fetch the official Math Apps Bundle zip when the machine is online.

Only the download lives here; what is in the zip is checked by :mod:`.checks` like any
zip a user brings. The download is bounded in size and time and lands in a temporary
file that the caller removes.
"""

from __future__ import annotations

import tempfile
import urllib.request
from pathlib import Path

from .checks import MAX_TOTAL_BYTES, BundleError

__all__ = ["OFFICIAL_URL", "download"]

#: GeoGebra's own link to the newest Math Apps Bundle (it redirects to
#: ``geogebra-math-apps-bundle-5-2-*.zip``).
OFFICIAL_URL = "https://download.geogebra.org/package/geogebra-math-apps-bundle"
TIMEOUT = 60.0


def download(url: str = OFFICIAL_URL, *, limit: int = MAX_TOTAL_BYTES,
             timeout: float = TIMEOUT) -> Path:
    """Fetch ``url`` into a temporary ``.zip`` and return its path (the caller deletes it)."""
    fd, name = tempfile.mkstemp(prefix="geogebra-math-apps-bundle-", suffix=".zip")
    path = Path(name)
    try:
        with open(fd, "wb") as out:
            try:
                resp = urllib.request.urlopen(url, timeout=timeout)
            except OSError as err:
                raise BundleError(f"could not download {url}: {err}; download the "
                                  "GeoGebra Math Apps Bundle zip on a machine that is "
                                  "online and run `jupyter ggbmagic geogebra install ZIP`") \
                    from None
            with resp:
                n = 0
                while chunk := resp.read(1 << 20):
                    n += len(chunk)
                    if n > limit:
                        raise BundleError(f"{url} sent more than {limit} bytes: not a "
                                          "GeoGebra bundle")
                    out.write(chunk)
        return path
    except BaseException:
        path.unlink(missing_ok=True)
        raise
