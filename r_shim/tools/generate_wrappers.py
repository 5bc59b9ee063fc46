"""Writes r_shim/R/generated.R: one R wrapper per R-named function that rtorch_py exports.

Each wrapper has the Python signature's arguments and defaults as R formals and is one ``.External`` into
the bridge, e.g.::

    nnf_mse_loss <- function(input, target, reduction = "mean") {
      .External(C_rt_callx, "nnf_mse_loss", input, target, reduction)
    }

``*args`` becomes ``...``; keyword-only arguments are passed by name; a default R cannot write (an object)
becomes ``.rt_absent`` so that Python's own default applies. Functions written by hand in r_shim/R/*.R are
skipped. NAMESPACE exports the prefixes with exportPattern(), so it needs no change.

Run: ``.venv/bin/python r_shim/tools/generate_wrappers.py`` (``--check`` exits 1 when the file is stale).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from pathlib import Path

SHIM = Path(__file__).resolve().parents[1]
OUT = SHIM / "R" / "generated.R"
PREFIXES = ("torch_", "nnf_", "nn_", "optim_", "lr_", "autograd_", "cuda_", "with_", "local_", "is_")
MODULES = ("rtorch_py", "rtorch_py.nn", "rtorch_py.optim")
R_RESERVED = {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE", "NULL",
              "Inf", "NaN", "NA", "in"}


def _hand_written() -> set[str]:
    names = set()
    for f in (SHIM / "R").glob("*.R"):
        if f.name == OUT.name:
            continue
        # functions, and generator objects built from one (nn_utils_weight_norm <- .rt_r6_generator(function ...))
        names.update(re.findall(r"^`?([A-Za-z0-9_.]+)`?\s*<-\s*(?:[.A-Za-z0-9_]+\()?function", f.read_text(), re.M))
    return names


def _r_literal(v: object) -> str | None:
    """R source for a Python default, or None when R cannot write it (rtorch_py's one literal writer)."""
    from rtorch_py._r6 import r_literal  # noqa: PLC0415 - the package is importable once sys.path is set

    return r_literal(v, exact=True)


def _r_name(name: str) -> str:
    return f"`{name}`" if name in R_RESERVED or not re.match(r"^[A-Za-z.][A-Za-z0-9._]*$", name) else name


def _signature(fn: object) -> inspect.Signature:
    """A function's signature; for a class with R6-style ``initialize(self, ...)`` (modules), that one's."""
    if inspect.isclass(fn):
        init = getattr(fn, "initialize", None)
        if init is not None and inspect.isfunction(init):
            sig = inspect.signature(init)
            return sig.replace(parameters=list(sig.parameters.values())[1:],
                               return_annotation=inspect.Signature.empty)
    return inspect.signature(fn)


def _declarations(fn: object) -> list[str]:
    """Roxygen lines for the R conventions ``fn`` declares (rtorch_py._r.r_api): the same declarations that
    convert the arguments document them."""
    from rtorch_py._r import KINDS, RETURN_KINDS, declared  # noqa: PLC0415

    kinds = declared(fn)
    lines = [f"#' @param {_r_name(arg)} {KINDS[k].doc}" for arg, k in kinds.items() if arg != "return"]
    if "return" in kinds:
        lines.append(f"#' @return {RETURN_KINDS[kinds['return']]}")
    return [line + "\n" for line in lines]


def wrapper(name: str, fn: object) -> str | None:
    try:
        sig = _signature(fn)
    except (TypeError, ValueError):
        return None
    formals, args = [], []
    has_dots = False
    for p in sig.parameters.values():
        rn = _r_name(p.name)
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            if not has_dots:
                formals.append("...")
                args.append("...")
                has_dots = True
            continue
        if p.kind == p.POSITIONAL_ONLY or p.kind == p.POSITIONAL_OR_KEYWORD:
            passed = rn
        else:
            passed = f"{rn} = {rn}"
        if p.default is p.empty:
            formals.append(rn)
        else:
            lit = _r_literal(p.default)
            formals.append(f"{rn} = {lit if lit is not None else '.rt_absent'}")
        # after `...`, R matches only by name, so Python must get them by name too
        if has_dots and p.kind == p.POSITIONAL_OR_KEYWORD:
            passed = f"{rn} = {rn}"
        args.append(passed)
    call = ", ".join([f'"{name}"', *args])
    body = f".External(C_rt_callx, {call})"
    if not inspect.isclass(fn) and sig.return_annotation in (None, "None", type(None)):
        body = f"invisible({body})"  # R torch returns nothing visibly here (torch_manual_seed(1) prints nothing)
    return "".join(_declarations(fn)) + f"{name} <- function({', '.join(formals)}) {{\n  {body}\n}}\n"


def collect() -> dict[str, object]:
    found: dict[str, object] = {}
    for modname in MODULES:
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for n in names:
            if n.startswith(PREFIXES) and n not in found:
                obj = getattr(mod, n, None)
                if callable(obj):
                    found[n] = obj
    return found


def render() -> str:
    skip = _hand_written()
    parts = ["# Generated by r_shim/tools/generate_wrappers.py from rtorch_py's exported functions: do not edit.\n"
             "# Each wrapper is one call into Python (see R/bridge.R).\n"]
    for name, fn in sorted(collect().items()):
        if name in skip:
            continue
        w = wrapper(name, fn)
        if w:
            parts.append(w)
    return "\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if R/generated.R is out of date")
    a = ap.parse_args()
    text = render()
    if a.check:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({text.count(' <- function(')} wrappers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
