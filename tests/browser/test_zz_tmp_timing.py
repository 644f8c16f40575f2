from ._lab import LabPage


def test_timing(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic", clean=True)
    lab.run(notebook, "%%ggb\na = Slider(-3, 3, 0.1)\nSetValue(a, 1)\nf(x) = a*x^2 - 2\n"
            "pts = Sequence((k, f(k)), k, -3, 3)\nR = Root(f, 0, 5)\ng = Derivative(f)\n"
            "areaUnder = Integral(f, 0, 2)", clean=True)
    c = lab.run(notebook, "import time\nt0 = time.monotonic()\ngif = ggb.animate('a', 0.5, 2, frames=16, duration=0.15)\n"
                "t1 = time.monotonic()\np = ggb.png()\nt2 = time.monotonic()\n"
                "print(gif.frames, len(gif.data), gif.width, gif.height, round(t1 - t0, 2), round(t2 - t1, 3), len(p.data))", clean=True)
    print("TIMING", lab.geogebra, c.stdout)
