"""Command line: `python -m mkbbook build|check-data|regions`. Bad input ends with a clear message, not a traceback."""

from __future__ import annotations

import argparse
import sys

from .errors import DataError


def main(argv=None) -> int:
    from . import build as b

    parser = argparse.ArgumentParser(prog="mkbbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the book for one region and year")
    p_build.add_argument("--region", default=None, help="default: provincie-utrecht")
    p_build.add_argument("--year", type=int, default=None, help="default: the newest year in the data")
    p_build.add_argument("--lenient", dest="strict", action="store_false",
                         help="let Sphinx warnings pass (by default they are errors)")
    p_build.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)  # the default; kept for old scripts
    p_build.add_argument("--out", default=str(b.BUILD_DIR / "html"),
                         help="where to publish the site ('' = only inside _build/editions/)")
    p_build.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: cores)")
    p_books = sub.add_parser("books", help="build one edition per region, in parallel, with an index page")
    p_books.add_argument("regions", nargs="+", help="region names, or 'provincies' (all 12) and 'coropgebieden' (all 40)")
    p_books.add_argument("--year", type=int, default=None, help="default: the newest year in the data")
    p_books.add_argument("--lenient", dest="strict", action="store_false")
    p_books.add_argument("--jobs", type=int, default=None, help="editions built at once (default: cores)")
    sub.add_parser("check-data", help="validate the data mirror and the curated registers")
    sub.add_parser("regions", help="list the region names")
    sub.add_parser("latest-year", help="print the newest year in the data (the default YEAR)")
    p_data = sub.add_parser("data", help="download CBS and Eurostat tables into a new snapshot")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["data"]:  # the downloader (and pandas) only when asked for: a no-op build stays fast
        from . import download

        download.add_arguments(p_data)
    args = parser.parse_args(argv)
    if args.command == "data":  # exit 1 on failure; the previous snapshot stays in use
        return download.run(args)
    try:
        if getattr(args, "year", 0) is None:
            from .paths import latest_year

            args.year = latest_year()
        if args.command == "latest-year":
            from .paths import latest_year

            print(latest_year())
        elif args.command == "build":
            if args.region is None:
                from .regions import DEFAULT_REGION  # imported here: the regions need pandas

                args.region = DEFAULT_REGION
            b.build(args.region, args.year, strict=args.strict, out=args.out or None, jobs=args.jobs)
        elif args.command == "books":
            from .batch import build_books

            build_books(args.regions, args.year, strict=args.strict, jobs=args.jobs)
        elif args.command == "check-data":
            b.check_inputs()
        else:
            from .regions import all_regions

            for key, region in sorted(all_regions().items()):
                print(f"{key:40s} {region.name} ({len(region.codes)} gemeenten)")
            print("or any 2025 municipality code, e.g. GM0344")
    except DataError as exc:
        print(f"\nERROR in the input data: {exc}\nNothing was built.", file=sys.stderr)
        return 2
    except b.BuildError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C): nothing new was published; the next build goes on from here.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
