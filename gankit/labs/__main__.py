"""`python -m gankit.labs build|check|run`: the labs' notebooks from their sources."""

import argparse
import sys

from gankit.labs import notebooks


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gankit.labs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="write labs/NN.ipynb and labs/student/NN.ipynb from labs/NN.py")
    p.add_argument("labs_dir", nargs="?", default="labs")
    p = sub.add_parser("check", help="exit 1 when a generated notebook differs from its source")
    p.add_argument("labs_dir", nargs="?", default="labs")
    p = sub.add_parser("run", help="execute labs in full (or --quick) mode into labs/executed/")
    p.add_argument("sources", nargs="+", help="lab sources (NN_name.py)")
    p.add_argument("--quick", action="store_true", help="quick mode (a few steps, for CI)")
    p.add_argument("--out-dir", default=None, help="default: executed/ beside each source")
    p.add_argument("--timeout", type=int, default=3600, help="seconds per cell (default 3600)")
    p = sub.add_parser("refresh", help="copy the prose of sources into their executed copies "
                       "(when no code cell changed since the run)")
    p.add_argument("sources", nargs="+", help="lab sources (NN_name.py)")
    p.add_argument("--out-dir", default=None, help="default: executed/ beside each source")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            for path in notebooks.build(args.labs_dir):
                print("wrote", path)
        elif args.command == "check":
            stale = notebooks.build(args.labs_dir, check=True)
            for path in stale:
                print("stale (run `make labs`):", path)
            return 1 if stale else 0
        elif args.command == "refresh":
            for source in args.sources:
                print("refreshed", notebooks.refresh(source, out_dir=args.out_dir))
        else:
            for source in args.sources:
                print("ran", notebooks.run(source, quick=args.quick, out_dir=args.out_dir,
                                           timeout=args.timeout), flush=True)
    except (FileNotFoundError, ValueError, ImportError) as err:
        print(f"python -m gankit.labs: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
