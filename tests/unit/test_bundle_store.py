"""`jupyter ggbmagic geogebra install|list|remove`: real files, real zips, a real HTTP download.

The bundles are synthetic (tests/bundles.py); the command is run through ``jupyter``, as a
user would, where it matters that the entry point exists, else through ``main()``.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ggbmagic.bundle import store
from ggbmagic.bundle.checks import BundleError
from ggbmagic.bundle.cli import main
from tests.bundles import double_bundle, make_bundle, zip_folder

JUPYTER = str(Path(sys.executable).with_name("jupyter"))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private Jupyter data dir (``--user``) and nothing else on the search path."""
    d = tmp_path / "data"
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(d))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "shared"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    return d


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_install_from_a_zip_through_jupyter_then_list_then_remove(tmp_path: Path,
                                                                   data: Path) -> None:
    src = make_bundle(tmp_path / "src", modules=("webSimple", "web3d"))
    archive = zip_folder(src, tmp_path / "geogebra-math-apps-bundle-5-2-870-0.zip")
    env = os.environ.copy()
    run = partial(subprocess.run, capture_output=True, text=True, timeout=60, env=env,
                  check=False)
    done = run([JUPYTER, "ggbmagic", "geogebra", "install", "--module", "webSimple",
                str(archive)])
    assert done.returncode == 0, done.stderr
    assert "GeoGebra 5.0.745.0" in done.stdout and "webSimple" in done.stdout
    folder = data / "ggbmagic" / "geogebra" / "5.0.745.0"
    assert _files(folder) == {
        "deployggb.js", "ggbmagic-geogebra.json",
        "HTML5/5.0/css/general.css", "HTML5/5.0/css/bundles/simple-bundle.css",
        "HTML5/5.0/webSimple/webSimple.nocache.js", "HTML5/5.0/webSimple/0123ABCD.cache.js",
        "HTML5/5.0/webSimple/fonts/latin/font.woff2", "HTML5/5.0/webSimple/clear.cache.gif",
    }
    assert (folder / "deployggb.js").read_bytes() == (src / "GeoGebra/deployggb.js").read_bytes()
    manifest = json.loads((folder / "ggbmagic-geogebra.json").read_text())
    assert manifest["version"] == "5.0.745.0" and manifest["modules"] == ["webSimple"]
    assert manifest["source"] == archive.name and manifest["files"] == 7
    # readable by a server that runs as another user
    assert stat.S_IMODE(folder.stat().st_mode) & 0o055 == 0o055

    listed = run([JUPYTER, "ggbmagic", "geogebra", "list"])
    assert listed.returncode == 0 and "GeoGebra 5.0.745.0" in listed.stdout
    assert str(folder) in listed.stdout

    removed = run([JUPYTER, "ggbmagic", "geogebra", "remove", "5.0.745.0"])
    assert removed.returncode == 0, removed.stderr
    assert not folder.exists() and store.installed() == []
    again = run([JUPYTER, "ggbmagic", "geogebra", "remove", "5.0.745.0"])
    assert again.returncode == 1 and "is not installed" in again.stderr


def test_install_from_a_folder_replaces_the_same_version(tmp_path: Path, data: Path) -> None:
    a = make_bundle(tmp_path / "a", extra={"GeoGebra/HTML5/5.0/css/old.css": b"old"})
    assert main(["geogebra", "install", str(a)]) == 0
    folder = data / "ggbmagic" / "geogebra" / "5.0.745.0"
    assert (folder / "HTML5/5.0/css/old.css").exists()
    b = make_bundle(tmp_path / "b")
    assert main(["geogebra", "install", str(b / "GeoGebra" / "..")]) == 0
    assert not (folder / "HTML5/5.0/css/old.css").exists(), "the old files stayed"
    assert [i.version for i in store.installed()] == ["5.0.745.0"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "leftovers"


def test_sys_prefix_and_data_dir_targets(tmp_path: Path, data: Path) -> None:
    assert store.target_dir("sys-prefix") == Path(sys.prefix, "share", "jupyter", "ggbmagic",
                                                  "geogebra")
    shared = tmp_path / "shared"  # on JUPYTER_PATH (the fixture), like a hub's
    src = make_bundle(tmp_path / "src", version="5.0.800.0")
    assert main(["geogebra", "install", "--data-dir", str(shared), str(src)]) == 0
    mine = make_bundle(tmp_path / "mine", version="5.0.745.0")
    assert main(["geogebra", "install", str(mine)]) == 0
    found = store.installed()
    assert [(i.version, i.path.parent.parent.parent) for i in found] == [
        ("5.0.800.0", shared), ("5.0.745.0", data)]  # newest first
    assert store.find("5.0.800.0") == found[0] and store.find("5.0.1.0") is None


def test_a_loader_without_a_version_needs_it_given(tmp_path: Path, data: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = double_bundle(tmp_path / "double")
    assert main(["geogebra", "install", str(src)]) == 1
    assert "pass it with --geogebra-version" in capsys.readouterr().err
    assert main(["geogebra", "install", "--geogebra-version", "1.0", str(src)]) == 0
    assert [i.version for i in store.installed()] == ["1.0"]


def _zip_with(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in entries:
            zf.writestr(info, body)
    return path


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _bundle_entries(tmp_path: Path) -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    src = make_bundle(tmp_path / "ok")
    return [(p.relative_to(src).as_posix(), p.read_bytes())
            for p in sorted(src.rglob("*")) if p.is_file()]


@pytest.mark.parametrize(("extra", "message"), [
    ([("GeoGebra/../../escaped.js", b"x")], "outside the folder"),
    ([("/abs.js", b"x")], "outside the folder"),
    ([(_link("GeoGebra/HTML5/5.0/webSimple/evil.js"), b"/etc/passwd")], "not links"),
    ([("GeoGebra/HTML5/5.0/webSimple/bomb.js", bytes(64 * 1024 * 1024))], "zip bomb"),
])
def test_unsafe_zips_are_refused_and_nothing_is_written(tmp_path: Path, data: Path,
                                                        extra: list[Any], message: str) -> None:
    archive = _zip_with(tmp_path / "b.zip", _bundle_entries(tmp_path) + extra)
    with pytest.raises(BundleError, match=message):
        store.install(archive)
    assert not (data / "ggbmagic" / "geogebra").exists() or \
        not any((data / "ggbmagic" / "geogebra").iterdir())
    assert not (tmp_path / "escaped.js").exists()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: _zip_with(p / "photos.zip", [("cat.jpg", b"jpeg")]), "not a GeoGebra Math Apps"),
    (lambda p: (p / "notes.txt").write_text("hi") and p / "notes.txt", "neither a zip nor"),
    (lambda p: p / "missing.zip", "does not exist"),
])
def test_what_is_not_a_bundle_is_said(tmp_path: Path, data: Path, make: Any, message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geogebra", "install", str(make(tmp_path))]) == 1
    assert message in capsys.readouterr().err


def test_a_missing_module_is_named(tmp_path: Path, data: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = make_bundle(tmp_path / "src", modules=("webSimple",))
    assert main(["geogebra", "install", "--module", "web3d", str(src)]) == 1
    assert "no module web3d (it has: webSimple)" in capsys.readouterr().err


@pytest.fixture
def http_zip(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server with a bundle zip at /geogebra-math-apps-bundle-5-2-870-0.zip."""
    served = tmp_path / "www"
    served.mkdir()
    zip_folder(make_bundle(tmp_path / "src", version="5.2.870.0"),
               served / "geogebra-math-apps-bundle-5-2-870-0.zip")
    seen: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            super().do_GET()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def test_install_download_fetches_the_zip(http_zip: tuple[str, list[str]], data: Path) -> None:
    origin, seen = http_zip
    url = f"{origin}/geogebra-math-apps-bundle-5-2-870-0.zip"
    assert main(["geogebra", "install", "--download", "--url", url]) == 0
    assert seen == ["/geogebra-math-apps-bundle-5-2-870-0.zip"]
    assert [i.version for i in store.installed()] == ["5.2.870.0"]


def test_install_download_says_when_offline(http_zip: tuple[str, list[str]], data: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    origin, _ = http_zip
    assert main(["geogebra", "install", "--download", "--url", f"{origin}/gone.zip"]) == 1
    err = capsys.readouterr().err
    assert "could not download" in err and "jupyter ggbmagic geogebra install ZIP" in err
    assert store.installed() == []
