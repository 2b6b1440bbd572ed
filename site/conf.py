"""Sphinx configuration of the course site (built by ``make site``, see site/build.py).

The source folder is a staging copy made by build.py: ``index.md`` (the README's
introduction) and ``notebooks/*.ipynb``. Every notebook is executed by myst-nb at
build time; its outputs, figures and widget state are written into the pages.

Nothing is loaded from a CDN at view time: require.js, the Jupyter widget
manager and MathJax are copied from npm packages into ``_static/vendor`` by
site/vendor.py before the build, and the settings below point at those copies.
"""

import os
from pathlib import Path

import tutorcluster

HERE = Path(__file__).resolve().parent

project = "tutorcluster"
author = "tutorcluster developers"
copyright = "tutorcluster developers, BSD-3-Clause"
release = version = tutorcluster.__version__

# githubpages writes .nojekyll, so GitHub Pages serves the _static folder.
extensions = ["myst_nb", "sphinx.ext.githubpages"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# --- notebooks --------------------------------------------------------------
# "force": run every notebook on every build (each takes 10-90 CPU s), so the
# site always shows what the current code computes. An error in a cell fails the build.
nb_execution_mode = os.environ.get("SITE_EXECUTION_MODE", "force")
nb_execution_cache_path = os.environ.get("SITE_JUPYTER_CACHE", str(HERE / "_build" / ".jupyter_cache"))
nb_execution_timeout = int(os.environ.get("SITE_CELL_TIMEOUT", "900"))
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True
myst_heading_anchors = 3

# --- everything served by the site itself ------------------------------------
# Paths are relative to _static/ (Sphinx resolves them for every page depth).
# Every widget used here is a core widget, bundled in embed-amd.js, so the
# manager never asks its CDN for a module (tests/browser/test_site.py checks it).
nb_ipywidgets_js = {
    "vendor/require.min.js": {},
    "vendor/require-paths.js": {},
    "vendor/jupyter-widgets/html-manager/dist/embed-amd.js": {},
}
# The widget manager typesets with MathJax 2's API (MathJax.Hub.Queue) and expects
# its Font Awesome <i> tags to stay: this shim (site/js/widgets-compat.js) adapts
# MathJax 3 and the theme's Font Awesome script. It must run before both.
html_js_files = [("vendor/widgets-compat.js", {"priority": 100})]
mathjax_path = "vendor/mathjax/tex-mml-chtml.js"
# Filled by site/vendor.py; build.py passes the folder of the build in progress.
html_static_path = [os.environ.get("SITE_STATIC", str(HERE / "_build" / "static"))]

# --- theme -------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "tutorcluster"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    # Off: Sphinx's arrow-key page turning listens on the whole document and
    # skips only <input>/<textarea>, so ArrowRight on a player's slider handle
    # (a <div>) left the page for the next notebook (tests/browser/test_site.py).
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
# Light by default (the pydata theme logs a console error when no mode is set).
html_context = {"default_mode": "light"}
html_copy_source = True
