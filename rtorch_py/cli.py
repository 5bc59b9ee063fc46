"""The ``rtorch`` command: R torch scripts and documents on rtorch_py, with R hosted by Python (rpy2).

    rtorch run script.R           run as Rscript would (exit status 1 after an error, 130 on Ctrl-C)
    rtorch run -e 'R code'        the same for code on the command line
    rtorch knit doc.Rmd [-o out.md]   knitr to Markdown, outputs as ``## `` blocks
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rtorch", description="Run R torch code on rtorch_py (R hosted by Python).")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run an R script as Rscript does")
    run.add_argument("script", nargs="?", help="the R script")
    run.add_argument("-e", "--expr", action="append", help="R code to run (repeatable), instead of a script")
    knit = sub.add_parser("knit", help="render R Markdown to Markdown with knitr")
    knit.add_argument("input", help="the .Rmd file")
    knit.add_argument("-o", "--output", help="the .md file (default: next to the input)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .bridge.session import r_session  # noqa: PLC0415

    if args.command == "run":
        if not args.script and not args.expr:
            _parser().error("run needs a script or -e CODE")
        try:
            r = r_session()
            r.start_bridge(tune_gc=True)  # this process is ours: tune Python's collector for R-driven work
            status = r.run_code("\n".join(args.expr)) if args.expr else r.run_file(args.script)
        except KeyboardInterrupt:
            status = 130
        if status == 1:
            sys.stderr.write("Execution halted\n")
        return status
    if args.command == "knit":
        from .bridge._hooks import RError  # noqa: PLC0415

        try:
            r = r_session()
            r.start_bridge(tune_gc=True)
            out = r.knit(args.input, args.output)
        except RError as e:
            sys.stderr.write(f"{e}\n")
            return 1
        except KeyboardInterrupt:
            return 130
        sys.stderr.write(f"wrote {out}\n")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
