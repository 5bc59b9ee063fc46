"""The ``rtorch`` command: R torch scripts and documents on rtorch_py, with R hosted by Python (rpy2).

    rtorch run script.R [args...]     run as Rscript would (args reach commandArgs(trailingOnly = TRUE);
                                      exit status 1 after an error, 130 on Ctrl-C)
    rtorch run -e 'R code' [args...]  the same for code on the command line
    rtorch knit doc.Rmd [-o out.md]   knitr to Markdown, outputs as ``## `` blocks, figures beside the output
    rtorch install-r [--lib DIR]      build and install the R shim (R package ``torch``) for this Python
    rtorch --version
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rtorch", description="Run R torch code on rtorch_py (R hosted by Python).")
    p.add_argument("--version", action="version", version=f"rtorch_py {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run an R script as Rscript does")
    run.add_argument("-e", "--expr", action="append", help="R code to run (repeatable), instead of a script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the R script (unless -e), then its arguments")
    knit = sub.add_parser("knit", help="render R Markdown to Markdown with knitr")
    knit.add_argument("input", help="the .Rmd file")
    knit.add_argument("-o", "--output", help="the .md file (default: next to the input)")
    inst = sub.add_parser("install-r", help="build and install the R shim (R package `torch`) for this Python")
    inst.add_argument("--lib", help="the R library to install into (default: a private one of this Python)")
    inst.add_argument("--force", action="store_true", help="install even over R torch in that library")
    return p


def _r_ready() -> str | None:
    """Why R code cannot run here, or None."""
    if importlib.util.find_spec("rpy2") is None:
        return ("rtorch run/knit host R through rpy2, which is not installed: pip install 'rtorch_py[r]' "
                "(the `r` extra)")
    from .install import find_shim  # noqa: PLC0415

    if find_shim() is None:
        return ("the R shim (R package `torch` for rtorch_py) is not installed for this Python: run "
                "`rtorch install-r` (or set RTORCH_RLIB to the library holding it)")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "install-r":
        from .install import install_r  # noqa: PLC0415

        try:
            install_r(args.lib, force=args.force)
        except (RuntimeError, FileNotFoundError) as e:
            sys.stderr.write(f"rtorch install-r: {e}\n")
            return 1
        return 0
    problem = _r_ready()
    if problem:
        sys.stderr.write(f"rtorch {args.command}: {problem}\n")
        return 1
    from .bridge.session import r_session  # noqa: PLC0415

    rest: list[str] = []
    if args.command == "run":
        rest = list(args.args)
        if not args.expr:
            if not rest:
                parser.error("run needs a script or -e CODE")
            script, rest = rest[0], rest[1:]
    try:
        r = r_session(args=rest)
    except RuntimeError as e:  # R did not start (session.py says why)
        sys.stderr.write(f"rtorch {args.command}: {e}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    if args.command == "run":
        try:
            r.start_bridge(tune_gc=True)  # this process is ours: tune Python's collector for R-driven work
            status = r.run_code("\n".join(args.expr)) if args.expr else r.run_file(script)
        except KeyboardInterrupt:
            status = 130
        if status == 1:
            sys.stderr.write("Execution halted\n")
        return status
    if args.command == "knit":
        from .bridge._hooks import RError  # noqa: PLC0415

        try:
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
