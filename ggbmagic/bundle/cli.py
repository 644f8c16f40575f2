"""``jupyter ggbmagic geogebra install|list|remove``: GeoGebra for a Jupyter without internet.

    jupyter ggbmagic geogebra install geogebra-math-apps-bundle-5-2-*.zip   # or its folder
    jupyter ggbmagic geogebra install --sys-prefix --module web3d BUNDLE    # for everyone
    jupyter ggbmagic geogebra install --download                            # when online
    jupyter ggbmagic geogebra list
    jupyter ggbmagic geogebra remove 5.0.745.0

After an install, the Jupyter server serves GeoGebra itself, at
``<base_url>ggbmagic/geogebra/<version>/``, and the GeoGebra panel loads it from there
(reload the page). ``jupyter`` finds this command as the ``jupyter-ggbmagic`` script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import BundleError
from .store import Installed, Scope, install, installed, remove, target_dir

__all__ = ["main"]


def _scope_args(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--user", dest="scope", action="store_const", const="user",
                       help="the user's Jupyter data directory (default)")
    where.add_argument("--sys-prefix", dest="scope", action="store_const", const="sys-prefix",
                       help="this Python environment's, for everyone who uses it (a hub)")
    where.add_argument("--data-dir", type=Path, default=None,
                       help="this Jupyter data directory (one on JUPYTER_PATH)")
    p.set_defaults(scope="user")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jupyter ggbmagic", description=__doc__.split("\n")[0])
    top = parser.add_subparsers(dest="topic", required=True)
    ggb = top.add_parser("geogebra", help="install a GeoGebra Math Apps Bundle for the panel")
    sub = ggb.add_subparsers(dest="action", required=True)

    inst = sub.add_parser("install", help="install a bundle zip or folder")
    inst.add_argument("path", nargs="?", type=Path,
                      help="geogebra-math-apps-bundle-*.zip, or a folder with "
                           "GeoGebra/deployggb.js and GeoGebra/HTML5/5.0/<module>/")
    inst.add_argument("--download", action="store_true",
                      help="download GeoGebra's official bundle zip first (needs internet)")
    inst.add_argument("--url", default=None, help=argparse.SUPPRESS)
    inst.add_argument("--module", action="append", default=[],
                      help="only this module (repeatable; default: every module found)")
    inst.add_argument("--geogebra-version", default=None,
                      help="the version, when the bundle's deployggb.js does not say it")
    _scope_args(inst)

    sub.add_parser("list", help="the installed GeoGebras and where they are")

    rm = sub.add_parser("remove", help="remove an installed version")
    rm.add_argument("version")
    _scope_args(rm)
    return parser


def _describe(i: Installed) -> str:
    mib = i.bytes / (1024 * 1024)
    return (f"GeoGebra {i.version}  modules: {', '.join(i.modules)}  "
            f"({i.files} files, {mib:.1f} MiB, from {i.source or '?'})  {i.path}")


def _install(args: argparse.Namespace) -> int:
    scope: Scope = args.scope
    if args.download == (args.path is not None):
        print("give a bundle zip or folder, or --download (not both)", file=sys.stderr)
        return 2
    tmp = None
    try:
        path = args.path
        if args.download:
            from .download import OFFICIAL_URL, download

            url = args.url or OFFICIAL_URL
            print(f"downloading {url} …")
            tmp = path = download(url)
        info = install(path, scope=scope, data_dir=args.data_dir,
                       modules=tuple(args.module), version=args.geogebra_version)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    print(f"installed {_describe(info)}")
    print("Jupyter serves it at <base_url>ggbmagic/geogebra/"
          f"{info.version}/ — reload the notebook page to use it.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.action == "install":
            return _install(args)
        if args.action == "list":
            found = installed()
            if not found:
                print("no GeoGebra installed: the panel loads it from geogebra.org. "
                      "Install one with `jupyter ggbmagic geogebra install BUNDLE.zip`.")
            for i in found:
                print(_describe(i))
            return 0
        folder = remove(args.version, scope=args.scope, data_dir=args.data_dir)
        print(f"removed GeoGebra {args.version} from {folder.parent}")
        return 0
    except BundleError as err:
        print(f"jupyter ggbmagic geogebra {args.action}: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        where = target_dir(getattr(args, "scope", "user"), getattr(args, "data_dir", None))
        print(f"jupyter ggbmagic geogebra {args.action}: {err} (target {where}; "
              "--user installs without administrator rights)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
