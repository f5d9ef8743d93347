"""python -m dlcourse.diagrams OUTDIR [NAME ...]: write the lecture figures as PNG files."""

from __future__ import annotations

import argparse

from dlcourse.diagrams import FIGURES, draw


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlcourse.diagrams", description=__doc__)
    parser.add_argument("outdir", help="folder for the PNG files (created if missing), e.g. lectures/figures")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"figures to draw (default: all): {list(FIGURES)}")
    args = parser.parse_args(argv)
    for path in draw(args.outdir, args.names or None):
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
