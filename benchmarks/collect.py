"""Join the sections that the benchmark scripts wrote into benchmarks/RESULTS.md.

Run by ``make benchmarks`` after every script; each script writes its own
``benchmarks/results/<name>.md`` through ``_timing.write_section``.
"""

import datetime
from pathlib import Path

from _timing import RESULTS, machine

HERE = Path(__file__).parent


def main():
    sections = sorted(RESULTS.glob("*.md"))
    header = (
        "# Benchmarks\n\n"
        f"Written by `make benchmarks` on {datetime.date.today().isoformat()}: {machine()}.\n"
        "Each table times the contenders interleaved (A B A B ...), reports medians and the\n"
        "ratio of the medians, with the thread count stated. Speed is never asserted in the\n"
        "tests; these tables are where it is measured.\n\n"
    )
    text = header + "\n".join(section.read_text(encoding="utf-8") for section in sections)
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    print(f"wrote benchmarks/RESULTS.md ({len(sections)} sections)")


if __name__ == "__main__":
    main()
