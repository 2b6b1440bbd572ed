"""Print the nbgitpuller link that hands the course material to students on a hub.

    python classroom/link.py --hub https://hub.example.edu --repo https://github.com/OWNER/REPO
    python classroom/link.py --hub ... --repo ... --branch student --notebook 01-centnn.ipynb

A student who opens the link logs in, gets a copy of the repository's branch in a
folder of their home (`--target`, cloned the first time, merged on later clicks
without overwriting their own changes) and lands on the notebook. Point it at the
student edition (the branch or repository that holds it), never at the instructor's.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadtest import TARGET, nbgitpuller_link  # noqa: E402  (one format for the test and for real)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", required=True, help="the repository students pull (its https address)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--notebook", default="notebooks/00-introduction.ipynb",
                        help="the notebook to open, as a path inside the repository")
    parser.add_argument("--target", default=TARGET, help="the folder created in each student's home")
    args = parser.parse_args(argv)
    print(nbgitpuller_link(args.hub.rstrip("/"), args.repo, args.branch, args.notebook, args.target))


if __name__ == "__main__":
    main()
