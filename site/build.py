"""Build the course site: every notebook executed, with outputs, figures and
players that scrub without a kernel (saved widget state), as static HTML.

    python site/build.py            # what `make site` runs (after `npm ci --prefix site`)
    python site/build.py --notebooks DIR --build-dir DIR   # another set of notebooks

Steps: stage the sources in site/_build/source (index.md from the README's
introduction, a copy of notebooks/, so the repository's notebooks are never
written to), copy the vendored JavaScript into site/_build/static (site/vendor.py),
then run Sphinx with site/conf.py (myst-nb executes every notebook). The site is
written to site/_build/html; open site/_build/html/index.html or serve that folder.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

sys.path.insert(0, str(HERE))
from vendor import vendor  # noqa: E402

TOCTREE = """
```{toctree}
:hidden:
:glob:
:maxdepth: 1
:caption: Notebooks

notebooks/*
```
"""

ABOUT = """
## About this site

Every notebook above was run top to bottom when this site was built; the figures
and numbers are the ones the code computed. The players scrub and play in the browser
without a running Python (their frames are stored in the page), and the site needs
no network: it can be copied to a USB stick and opened from `index.html`. To change
the code and rerun it, clone the repository and run `make lab` (see its README).
"""


def landing_page(readme):
    """The README's introduction (up to its first second-level heading)."""
    text = readme.read_text(encoding="utf-8")
    intro = text.split("\n## ", 1)[0]
    # A badge is an image on a remote host: keep the link, drop the picture.
    intro = re.sub(r"\[!\[([^\]]*)\]\([^)]*\)\]\(([^)]*)\)",
                   r"[Open the notebooks on \1](\2)", intro)
    return intro.rstrip() + "\n" + ABOUT + TOCTREE


def stage(notebooks, source, static):
    if source.exists():
        shutil.rmtree(source)
    (source / "notebooks").mkdir(parents=True)
    for notebook in sorted(Path(notebooks).glob("*.ipynb")):
        shutil.copy(notebook, source / "notebooks" / notebook.name)
    (source / "index.md").write_text(landing_page(ROOT / "README.md"), encoding="utf-8")
    vendor(static)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", default=ROOT / "notebooks", type=Path)
    parser.add_argument("--build-dir", default=HERE / "_build", type=Path)
    parser.add_argument("--jobs", default=os.environ.get("SITE_JOBS", "2"))
    args, sphinx_args = parser.parse_known_args(argv)
    build = args.build_dir.resolve()
    source, static, html = build / "source", build / "static", build / "html"
    start = time.monotonic()
    stage(args.notebooks, source, static)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(HERE),
               "-j", args.jobs, "--keep-going", str(source), str(html), *sphinx_args]
    print("+", " ".join(command), flush=True)
    # conf.py reads the static folder from the environment (one build folder per site).
    env = dict(os.environ, SITE_STATIC=str(static),
               SITE_JUPYTER_CACHE=str(build / ".jupyter_cache"))
    status = subprocess.call(command, cwd=ROOT, env=env)
    elapsed = time.monotonic() - start
    if status == 0:
        size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
        print(f"site built in {elapsed:.0f} s: {html / 'index.html'} ({size / 1e6:.1f} MB)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
