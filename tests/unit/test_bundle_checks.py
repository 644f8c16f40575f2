"""ggbmagic.bundle.checks: what a GeoGebra bundle is and which files are kept — tables of cases."""

from __future__ import annotations

import pytest

from ggbmagic.bundle.checks import (
    MAX_TOTAL_BYTES,
    BundleError,
    Entry,
    check_entry_name,
    check_version,
    plan_install,
    version_from_loader,
)
from ggbmagic.display import geogebra_source

G = "GeoGebra/"
M = "GeoGebra/HTML5/5.0/"


def bundle(*extra: Entry, modules: tuple[str, ...] = ("webSimple",),
           prefix: str = "") -> list[Entry]:
    """Entries of a minimal bundle (names as the official zip has them)."""
    out = [Entry(prefix + G, 0, is_dir=True), Entry(prefix + G + "deployggb.js", 40_000, 9_000),
           Entry(prefix + M + "css/general.css", 1000, 300),
           Entry(prefix + M + "css/bundles/simple-bundle.css", 1000, 300)]
    for m in modules:
        out += [Entry(prefix + M + f"{m}/{m}.nocache.js", 6000, 2000),
                Entry(prefix + M + f"{m}/ABC.cache.js", 3_000_000, 900_000),
                Entry(prefix + M + f"{m}/fonts/latin/x.woff2", 100, 100),
                Entry(prefix + M + f"{m}/html/opener.html", 100, 50),
                Entry(prefix + M + f"{m}/html/skydriveproxy.php", 100, 50)]
    return out + list(extra)


@pytest.mark.parametrize(("name", "ok"), [
    ("GeoGebra/deployggb.js", True),
    ("a/b/c.js", True),
    ("../evil.js", False),
    ("GeoGebra/../../evil.js", False),
    ("/etc/passwd", False),
    ("C:/evil.js", False),
    ("GeoGebra\\..\\evil.js", False),
    ("GeoGebra/./x.js", False),
    ("a\x00b", False),
    ("", False),
])
def test_entry_names_that_leave_the_folder_are_refused(name: str, ok: bool) -> None:
    if ok:
        assert check_entry_name(name) == name
    else:
        with pytest.raises(BundleError, match="outside the folder"):
            check_entry_name(name)


@pytest.mark.parametrize(("text", "version"), [
    ('else{codebase="https://www.geogebra.org/apps/5.0.745.0/"}', "5.0.745.0"),
    ('codebase="https://www.geogebra.org/apps/5.0.745.0/";x="https://www.geogebra.org/apps/5.0.745.0/"',
     "5.0.745.0"),
    ('"https://www.geogebra.org/apps/5.0.1/" "https://www.geogebra.org/apps/5.0.2/"', None),
    ("var x = 1;", None),
    ('"https://www.geogebra.org/apps/latest/"', None),
])
def test_the_version_comes_from_the_loaders_fallback_codebase(text: str,
                                                               version: str | None) -> None:
    assert version_from_loader(text) == version


@pytest.mark.parametrize(("version", "ok"), [
    ("5.0.745.0", True), ("5.2", True), ("5", False), ("5.0.745.0.1", False),
    ("../5.0", False), ("5.0/..", False), ("latest", False), ("5.0.745.0\n", False),
])
def test_versions_must_be_dotted_numbers(version: str, ok: bool) -> None:
    if ok:
        assert check_version(version) == version
    else:
        with pytest.raises(BundleError, match="not a GeoGebra version"):
            check_version(version)


def test_only_the_loader_the_modules_and_the_styles_are_kept() -> None:
    entries = bundle(Entry("GeoGebra/HTML5/5.0/GeoGebra.html", 10, 5),
                     Entry("GeoGebra/readme.txt", 10, 5),
                     modules=("webSimple", "web3d"))
    plan = plan_install(entries)
    targets = {f.target for f in plan.files}
    assert plan.modules == ("web3d", "webSimple")  # the fuller module first
    assert "deployggb.js" in targets
    assert "HTML5/5.0/css/bundles/simple-bundle.css" in targets
    assert "HTML5/5.0/web3d/fonts/latin/x.woff2" in targets
    assert not any(t.endswith((".html", ".php")) for t in targets)
    assert "readme.txt" not in targets and "HTML5/5.0/GeoGebra.html" not in targets
    assert plan.skipped == 2 + 2 * 2
    assert plan.total_bytes == sum(f.size for f in plan.files)


def test_a_chosen_module_leaves_the_others_out() -> None:
    plan = plan_install(bundle(modules=("webSimple", "web3d")), ("webSimple",))
    assert plan.modules == ("webSimple",)
    assert not any("/web3d/" in f.target for f in plan.files)


def test_a_nested_bundle_folder_is_found() -> None:
    plan = plan_install(bundle(prefix="geogebra-math-apps-bundle/"))
    assert plan.root == "geogebra-math-apps-bundle/GeoGebra/"
    assert {f.target for f in plan.files} >= {"deployggb.js",
                                              "HTML5/5.0/webSimple/webSimple.nocache.js"}


def _without(entries: list[Entry], part: str) -> list[Entry]:
    return [e for e in entries if part not in e.name]


@pytest.mark.parametrize(("entries", "modules", "message"), [
    ([Entry("photos/cat.jpg", 10, 5)], (), "no GeoGebra/deployggb.js"),
    ([Entry("GeoGebra/deployggb.js", 10, 5)], (), "no HTML5/5.0/ folder"),
    (_without(bundle(), "nocache"), (), "no module in"),
    (_without(bundle(), "/css/"), (), "styles are missing"),
    (bundle(), ("web3d",), "no module web3d .it has: webSimple."),
    (bundle(Entry("GeoGebra/../x.js", 1, 1)), (), "outside the folder"),
    (bundle(Entry("GeoGebra/HTML5/5.0/webSimple/link.js", 1, 1, link=True)), (), "not links"),
    (bundle(Entry("GeoGebra/fifo", 0, 0, special=True)), (), "not links or devices"),
    (bundle(Entry("GeoGebra/bomb.js", 1 << 30, 1 << 20)), (), "zip bomb"),
    (bundle(*[Entry(f"GeoGebra/HTML5/5.0/webSimple/f{i}.js", 1 << 24, 1 << 23)
              for i in range(MAX_TOTAL_BYTES >> 24)]), (), "zip bomb, or not a bundle"),
    (bundle(*[Entry(f"x/{i}", 0, 0) for i in range(50_001)]), (), "more than a GeoGebra bundle"),
])
def test_what_is_refused_and_why(entries: list[Entry], modules: tuple[str, ...],
                                 message: str) -> None:
    with pytest.raises(BundleError, match=message):
        plan_install(entries, modules)


@pytest.mark.parametrize(("applet", "text"), [
    ({"source": "server", "module": "webSimple", "url": "http://h/x.js"},
     "this Jupyter server (installed bundle, module webSimple)"),
    ({"source": "server"}, "this Jupyter server (installed bundle)"),
    ({"source": "settings", "url": "https://school/GeoGebra/deployggb.js", "module": "web3d"},
     "https://school/GeoGebra/deployggb.js (settings, module web3d)"),
    ({"source": "geogebra.org", "url": "https://www.geogebra.org/apps/deployggb.js"},
     "https://www.geogebra.org/apps/deployggb.js (default)"),
    ({"version": "5.0.745.0"}, ""),
    ({"source": "[bold]x[/bold]"}, ""),
])
def test_status_says_where_geogebra_came_from(applet: dict[str, str], text: str) -> None:
    assert geogebra_source(applet) == text
