"""Writes r_shim/R/generated.R: one R wrapper per R-named function that rtorch_py exports.

Each wrapper has the Python signature's arguments and defaults as R formals and is one ``.External`` into
the bridge, e.g.::

    nnf_mse_loss <- function(input, target, reduction = "mean") {
      .External(C_rt_callx, "nnf_mse_loss", input, target, reduction)
    }

``*args`` becomes ``...``; keyword-only arguments are passed by name; a default R cannot write (an object)
becomes ``.rt_absent`` so that Python's own default applies. Functions written by hand in r_shim/R/*.R are
skipped. NAMESPACE exports the prefixes with exportPattern(), so it needs no change.

It also writes the help pages r_shim/man/<name>.Rd of every exported function (generated or written by hand):
usage from the R functions' own formals (so usage and code agree, as R CMD check's codoc demands),
description and value from the Python docstring and return annotation (or the roxygen block above a
hand-written R function), arguments from the declared R conventions, roxygen ``@param`` lines or the Python
annotations, and a runnable example on every page: the docstring's doctest translated to R, or R code from
rd_examples.py (written for the page, or made for a family of functions from its formals); the test suite runs
them all (tests/bridge/test_rd_examples.py). Reading the R formals runs ``Rscript`` once.

Run: ``.venv/bin/python r_shim/tools/generate_wrappers.py`` (``--check`` exits 1 when a file is stale).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

SHIM = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # rd_examples.py, when imported from elsewhere
OUT = SHIM / "R" / "generated.R"
MAN = SHIM / "man"
PREFIXES = ("torch_", "nnf_", "nn_", "optim_", "lr_", "autograd_", "cuda_", "with_", "local_", "is_", "linalg_",
            "distr_", "jit_", "backends_", "install_", "get_install_", "set_autocast", "unset_autocast",
            "clone_module", "buffer_from_torch_tensor", "call_torch_function", "contrib_", "optimizer_ignite",
            "OptimizerIgnite")
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
    fun = f"function({', '.join(formals)}) {{\n  {body}\n}}"
    from rtorch_py.optim.optimizer import Optimizer  # noqa: PLC0415

    if inspect.isclass(fn) and issubclass(fn, Optimizer):  # R torch's class(optim_sgd)
        fun = f'structure({fun}, class = c("{name}", "torch_optimizer_generator"))'
    return "".join(_declarations(fn)) + f"{name} <- {fun}\n"


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
    values = ", ".join(f'"{n}"' for n in exported_values())
    parts.append("# Exported values (objects and R6-style classes, used as `x$check()`, `x$new()`): active bindings\n"
                 "# made at load (R/distributions.R), fetched from Python on first use.\n"
                 f".rt_exported_values <- c({values})\n")
    return "\n".join(parts)


VALUE_PREFIXES = ("constraint_",)


def exported_values() -> list[str]:
    """Exported names with a value prefix (constraint objects and classes): R sees the Python objects."""
    import rtorch_py  # noqa: PLC0415

    return sorted(n for n in dir(rtorch_py) if n.startswith(VALUE_PREFIXES))


# -- help pages -------------------------------------------------------------------------------------------------

EXPORT_RE = re.compile(r"^(torch|nnf|nn|optim|lr|autograd|cuda|with|local|is|linalg|distr|constraint|jit|backends|"
                       r"install|get_install)_")
# R code: every top-level `name <- function(...)` of the given files, as "name<TAB>formal<TAB>formal..." where a
# formal is "name" or "name=<deparsed default>"
_FORMALS_R = r"""
for (f in commandArgs(TRUE)) for (e in parse(f, keep.source = FALSE)) {
  if (is.call(e) && length(e) == 3 && is.call(e[[3]]) && identical(e[[3]][[1]], as.name("structure")))
    e[[3]] <- e[[3]][[2]]  # a classed generator: structure(function(...) ..., class = ...)
  if (is.call(e) && as.character(e[[1]]) %in% c("<-", "=") && (is.name(e[[2]]) || is.character(e[[2]])) &&
      is.call(e[[3]]) && identical(e[[3]][[1]], as.name("function"))) {
    fm <- e[[3]][[2]]
    a <- vapply(names(fm), function(n) {
      if (is.name(fm[[n]]) && !nzchar(as.character(fm[[n]]))) n
      else paste0(n, "=", paste(deparse(fm[[n]]), collapse = " "))
    }, "")
    cat(as.character(e[[2]]), a, sep = "\t"); cat("\n")
  }
}
"""
GLOSSARY = {
    "self": "a tensor.", "input": "a tensor.", "other": "a tensor.", "x": "a tensor.",
    "target": "a tensor of targets.",
    "dtype": "a torch dtype (e.g. \\code{torch_float()}), or \\code{NULL} for the default.",
    "device": "a device; only the CPU exists here.",
    "requires_grad": "whether autograd records operations on the result.",
    "keepdim": "whether reduced dimensions are kept with size 1.", "generator": "a random generator, or \\code{NULL}.",
    "names": "dimension names (not supported: must be \\code{NULL}).",
    "reduction": "\\code{\"none\"}, \\code{\"mean\"} or \\code{\"sum\"}: how the per-element losses are reduced.",
    "params": "the tensors to optimize (e.g. \\code{model$parameters}) or a list of parameter groups.",
    "lr": "the learning rate.", "weight_decay": "the L2 penalty.", "eps": "a small term for numerical stability.",
    "optimizer": "the optimizer whose learning rate is scheduled.", "last_epoch": "the index of the last epoch.",
    "verbose": "whether to print each update.", "bias": "whether the layer has an additive bias.",
    "...": "further arguments, passed on.", "code": "R code to run.", "memory_format": "a memory format (ignored).",
    "out": "not supported (must be missing).", "name": "the name of a member (field or method).",
    "inplace": "whether to modify the input in place.",
}


def _rd_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("%", "\\%").replace("{", "\\{").replace("}", "\\}")
    text = re.sub(r":math:`([^`]*)`", r"\1", text)
    return re.sub(r"``?([^`]+?)``?", r"\\code{\1}", text)


# Python example lines that have no mechanical R translation: the page then has no \examples section
_NO_R = re.compile(r"(?<![.$])\b(def|class|lambda|for|with|import|from|len|list|dict|tuple|isinstance|type|print|np|"
                   r"range|sorted|set|zip|str|repr|int|float|bool|round|abs|sum|min|max|any|all|super|self|in|is|"
                   r"not|and|or|if|else|math)\b|(^|;)\s*_\s*=|[\w)\]]\[|@|//|\{|\}|\.T\b|\.mT\b|\.__|\bx\.shape\[|^\s*\w+\s*,|#|\\\\|"
                   r"\.\.\.\s*$|\*\*?\w|\+=|-=|\*=|/=|\bprivate\b|\.(names|items|keys|values|tolist|numpy)\(|(=|,\s*)\(|"
                   r"\]\s*\*|[\"'][^\"']*\.[^\"']*[\"']")


def _r_example(doc: str) -> str | None:
    """The docstring's doctest as R code, when every line translates mechanically (else None)."""
    parts = re.split(r"\n\s*Examples?:\s*\n", doc)
    if len(parts) < 2:
        return None
    if re.search(r"^\s*(Traceback|\w+Error:)", parts[1], re.M):
        return None  # an example of an error
    lines = [m.group(1) for m in re.finditer(r"^\s*>>> (.*)$", parts[1], re.M)]
    if not lines or re.search(r"^\s*\.\.\. ", parts[1], re.M):
        return None
    out = []
    for line in lines:
        # Python's views of values (R prints the tensor itself)
        line = re.sub(r"\.(tolist|numpy)\(\)|\._data\b", "", line)
        if _NO_R.search(line):
            return None
        r = re.sub(r"\bTrue\b", "TRUE", line)
        r = re.sub(r"\bFalse\b", "FALSE", r)
        r = re.sub(r"\bNone\b", "NULL", r)
        r = re.sub(r"(?<=[\w)])\.(?=[A-Za-z_])", "$", r)  # x.sum() -> x$sum(), m.weight -> m$weight
        if "[[" in r or re.search(r"\[[^\]]*\[", r) or re.search(r"\d+j\b", r):
            return None  # nested lists, complex literals
        if _top_level_comma(r):
            parts = _top_level_split(r)
            if any(re.match(r"^\s*[\w$]+\s*=[^=]", p) for p in parts):
                return None  # a, b = ... (unpacking)
            out += [_r_line(p.strip()) for p in parts]  # a tuple display: each value on its own line
            continue
        out.append(_r_line(r))
    return "\n".join(out)


def _top_level_split(line: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in line:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [*parts, cur]


def _r_line(r: str) -> str:
    """One Python line (keywords and attribute access already made R's) with R's literals."""
    # list literals -> c(...); Python ints in them are R integers (torch_tensor(c(1L, 2L)) is Long)
    r = re.sub(r"(^|[(,=\s])\[([^\]]*)\]", lambda m: m.group(1) + "c(" + (
        m.group(2) if re.search(r"\d\.|e-?\d|True|TRUE|FALSE|'|\"", m.group(2))
        else re.sub(r"(?<![\w.])(-?\d+)(?![\w.])", r"\1L", m.group(2))) + ")", r)
    # other Python ints are R integers too (torch_tensor(12L) is Long, as torch_tensor(12) in Python)
    r = re.sub(r"(?<![\w.$])(?<!e-)(?<!e\+)(\d+)(?![\w.])", r"\1L", r)
    r = r.replace("**", "^")
    return r


def _page_example(page: str, fn: object | None, formals: list[str]) -> str | None:
    """The page's R example: written for it (rd_examples.EXAMPLES), else its docstring's, else the family
    rule's (rd_examples.family_example)."""
    from rd_examples import EXAMPLES, family_example  # noqa: PLC0415 - beside this script

    if page in EXAMPLES:
        return EXAMPLES[page].strip()
    example = _r_example(inspect.getdoc(fn) or "") if fn is not None else None
    return example or family_example(page, formals, inspect.isclass(fn))


def _rd_examples(example: str) -> list[str]:
    return ["\\examples{", example.replace("\\", "\\\\").replace("%", "\\%"), "}"]


def _top_level_comma(line: str) -> bool:
    depth = 0
    for ch in line:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            return True
        if ch == ";":
            depth = 0
    return False


def _usage_name(name: str) -> str:
    return name if re.match(r"^[A-Za-z.][A-Za-z0-9._]*$", name) else f"`{name}`"


def r_formals(files: list[Path]) -> dict[str, list[str]]:
    res = subprocess.run(["Rscript", "--vanilla", "-e", _FORMALS_R, *map(str, files)], capture_output=True,
                         text=True, check=True)
    out = {}
    for line in res.stdout.splitlines():
        name, *formals = line.split("\t")
        out.setdefault(name, [f for f in formals if f])
    return out


def _roxygen(files: list[Path]) -> dict[str, list[str]]:
    """The comment block (``#'`` or ``#``) right above each top-level ``name <- function``/``name <- x``."""
    blocks: dict[str, list[str]] = {}
    for f in files:
        comment: list[str] = []
        for line in f.read_text().splitlines():
            m = re.match(r"^#'? ?(.*)$", line)
            if m:
                comment.append(m.group(1))
                continue
            d = re.match(r"^`?([A-Za-z0-9_.$%>]+)`?\s*<-", line)
            if d and comment:
                blocks.setdefault(d.group(1), comment)
            comment = []
    return blocks


def _doc_parts(doc: str) -> tuple[str, str]:
    """(title, description) from a docstring: its first sentence and its text before ``Example``."""
    body = re.split(r"\n\s*Examples?:\s*\n", doc)[0].strip()
    first = body.split("\n\n")[0].replace("\n", " ")
    title = re.split(r"(?<=[.:;])\s", first)[0].rstrip(".:; ")
    return title or first, body


def _value(name: str, fn: object) -> str:
    from rtorch_py._r import RETURN_KINDS, declared  # noqa: PLC0415

    if inspect.isclass(fn):
        for prefix, what in (
                ("nn_", "An \\code{nn_module}: call it on tensors; its parameters are in \\code{$parameters}."),
                ("optim_", "An optimizer (class \\code{torch_optimizer}): \\code{$step()}, \\code{$zero_grad()}."),
                ("lr_", "A learning-rate scheduler: \\code{$step()} updates the optimizer's learning rate.")):
            if name.startswith(prefix):
                return what
        return f"An object of class \\code{{{fn.__name__}}}."
    kinds = declared(fn) if callable(fn) else {}
    if "return" in kinds:
        return _rd_escape(RETURN_KINDS[kinds["return"]][0].upper() + RETURN_KINDS[kinds["return"]][1:]) + "."
    try:
        ann = inspect.signature(fn).return_annotation
    except (TypeError, ValueError):
        ann = inspect.Signature.empty
    ann = getattr(ann, "__name__", ann)
    if ann in (None, "None", type(None)):
        return "\\code{NULL}, invisibly."
    if ann in ("Tensor", "Tensor | None"):
        return "A tensor."
    if ann in ("bool",):
        return "\\code{TRUE} or \\code{FALSE}."
    if ann is inspect.Signature.empty:
        return "The value of the Python function of the same name, converted to R by the bridge."
    return _rd_escape(f"A value of Python type ``{ann}``, converted to R by the bridge.")


def _arg_doc(arg: str, fn: object | None, params: dict[str, str], kinds: dict[str, str]) -> str:
    from rtorch_py._r import KINDS  # noqa: PLC0415

    py = arg.strip("`")
    if py in params:
        text = params[py].strip()
        return _rd_escape(text if text.endswith((".", "?", "!")) else text + ".")
    if py in kinds:
        return KINDS[kinds[py]].doc + "."
    if py in GLOSSARY:
        return GLOSSARY[py]
    sig = None
    if fn is not None:
        try:
            sig = _signature(fn)
        except (TypeError, ValueError):
            pass
    p = sig.parameters.get(py) if sig is not None else None
    if p is not None and p.annotation is not p.empty:
        ann = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", str(p.annotation))
        return _rd_escape(f"``{ann}`` (the Python argument of the same name).")
    return _rd_escape(f"passed to the Python function ``{py}`` of rtorch_py.") if fn is not None else "see Details."


def _usage_line(name: str, formals: list[str]) -> str:
    m = re.match(r"^(torch_save)\.(\w+)$", name)
    head = f"\\method{{{m.group(1)}}}{{{m.group(2)}}}" if m else _usage_name(name)
    if name == "$.torch_tensor":
        head = "\\method{$}{torch_tensor}"
    args = [f.replace("=", " = ", 1) if "=" in f else f for f in formals]
    return head + "(" + ", ".join(args).replace("\\", "\\\\").replace("%", "\\%") + ")"


def rd_pages() -> dict[str, str]:
    """name -> Rd text for every exported function (one page per generic, its S3 methods included)."""
    from rtorch_py._r import declared  # noqa: PLC0415

    files = sorted((SHIM / "R").glob("*.R"))
    formals = r_formals(files)
    for f in files:  # `torch_save.nn_module <- .rt_save_object`: the same function under an exported name
        for n, target in re.findall(r"^([A-Za-z_][A-Za-z0-9_.]*)\s*<-\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*$", f.read_text(),
                                    re.M):
            if target in formals and n not in formals:
                formals[n] = formals[target]
        # `tensor_dataset <- .rt_builtin_generator("TensorDataset", function(...) ...)`: the inner function's
        for n, args in re.findall(r"^([A-Za-z_][A-Za-z0-9_.]*)\s*<-\s*\.rt_\w+\([^,]*,\s*function\(([^)]*)\)",
                                  f.read_text(), re.M):
            formals.setdefault(n, [a.strip().replace(" ", "") for a in args.split(",") if a.strip()])
    rox = _roxygen(files)
    py = collect()
    import rtorch_py  # noqa: PLC0415

    named = [n.strip().strip('"') for group in re.findall(r"^export\(([^)]*)\)", (SHIM / "NAMESPACE").read_text(),
                                                           re.M | re.S) for n in group.split(",") if n.strip()]
    exported = [n for n in formals if EXPORT_RE.match(n)] + [n for n in named if n != "%>%"]
    groups: dict[str, list[str]] = {}
    for n in exported:
        m = re.match(r"^(torch_save)\.\w+$", n)
        groups.setdefault(m.group(1) if m else n, []).append(n)
    pages = {}
    for page, members in sorted(groups.items()):
        fn = py.get(page) or getattr(rtorch_py, page, None)
        if not callable(fn):
            fn = None
        comment = rox.get(page, [])
        params = {}
        text_lines = []
        ret = None
        last: list[str] = []
        for line in comment:
            pm = re.match(r"^@param\s+(\S+)\s+(.*)$", line)
            if pm:
                last = pm.group(1).split(",")
                for a in last:
                    params[a] = pm.group(2)
            elif last and line and not line.startswith("@"):
                for a in last:
                    params[a] += " " + line.strip()  # a @param's continuation line
            elif line.startswith("@return"):
                last = []
                ret = line[len("@return"):].strip()
            elif not line.startswith("@"):
                last = []
                text_lines.append(line)
        if fn is not None and inspect.getdoc(fn):
            title, desc = _doc_parts(inspect.getdoc(fn))
        else:
            text = "\n".join(text_lines).strip()
            if not text:
                raise SystemExit(f"no documentation for the exported R function {page}: add a roxygen block above it")
            paras = text.split("\n\n")
            if len(paras) > 1 and "\n" not in paras[0]:  # roxygen: a one-line title, then the description
                title, desc = paras[0].rstrip("."), "\n\n".join(paras[1:]).strip()
            else:
                desc = text
                title = re.split(r"(?<=[.:;])\s", paras[0].replace("\n", " "))[0].rstrip(".:; ")
        if len(title) > 100:
            title = title[:100].rsplit(" ", 1)[0] + " ..."
        kinds = declared(fn) if fn is not None else {}
        args: list[str] = []
        for m in members:
            for f in formals.get(m, []):
                a = f.split("=", 1)[0]
                if a not in args:
                    args.append(a)
        usage = "\n".join(_usage_line(m, formals.get(m, [])) for m in members)
        value = _rd_escape(ret) if ret else (_value(page, fn) if fn is not None else "See the description.")
        lines = ["% Generated by r_shim/tools/generate_wrappers.py from rtorch_py's docstrings: do not edit.",
                 f"\\name{{{page.replace('$', 'dollar-')}}}"]
        lines += ["\\alias{" + m.replace("%", "\\%") + "}" for m in members]
        lines += [f"\\title{{{_rd_escape(title)}}}", "\\description{", _rd_escape(desc), "}",
                  "\\usage{", usage, "}"]
        if args:
            lines.append("\\arguments{")
            lines += [f"\\item{{{a}}}{{{_arg_doc(a, fn, params, kinds)}}}" for a in args]
            lines.append("}")
        lines += ["\\value{", value, "}"]
        example = _page_example(page, fn, formals.get(page, []))
        if example:
            lines += _rd_examples(example)
        pages[page.replace("$", "dollar-")] = "\n".join(lines) + "\n"
    # exported objects that are not R functions: the constraint objects and classes (active bindings to the
    # Python objects), R6-style generator objects (nn_utils_weight_norm$new(...))
    assigned = [n for f in files for n in re.findall(r"^([A-Za-z_][A-Za-z0-9_.]*)\s*<-", f.read_text(), re.M)
                if EXPORT_RE.match(n) and n not in formals]
    objects = [n for n in dict.fromkeys([*exported_values(), *assigned,
                                         *(n for n in named if n not in formals and n != "%>%")]) if n not in pages]
    for page in objects:
        obj = getattr(rtorch_py, page, None)
        doc = inspect.getdoc(obj) if obj is not None and not isinstance(obj, (int, float, str)) else None
        comment = [line for line in rox.get(page, []) if not line.startswith("@")]
        if doc:
            title, desc = _doc_parts(doc)
        elif comment:
            title, desc = comment[0].rstrip("."), " ".join(comment[1:]).strip() or comment[0]
        elif page.startswith("constraint_"):
            what = page.removeprefix("constraint_").replace("_", " ")
            title = f"The {what} constraint of distributions' parameters and supports"
            desc = (f"R torch's ``{page}`` object: ``{page}$check(value)`` is a bool tensor telling which "
                    "elements satisfy the constraint (distributions validate their arguments with it).")
        else:
            raise SystemExit(f"no documentation for the exported R object {page}: add a docstring or roxygen block")
        pages[page] = "\n".join([
            "% Generated by r_shim/tools/generate_wrappers.py from rtorch_py's docstrings: do not edit.",
            f"\\name{{{page}}}", f"\\alias{{{page}}}", "\\docType{data}", f"\\title{{{_rd_escape(title)}}}",
            "\\description{", _rd_escape(desc), "}", "\\usage{", page, "}",
            "\\format{An object (see the description).}", *_rd_examples(_page_example(page, None, []) or ""),
            "\\keyword{datasets}"]) + "\n"
    pages["reexports"] = ("% Generated by r_shim/tools/generate_wrappers.py: do not edit.\n\\name{reexports}\n"
                          "\\alias{\\%>\\%}\n\\title{Objects exported from other packages}\n\\description{"
                          "magrittr's pipe \\code{\\%>\\%}, re-exported as R torch does.}\n" +
                          "\n".join(_rd_examples(_page_example("reexports", None, []) or "")) +
                          "\n\\keyword{internal}\n")
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if R/generated.R or man/ is out of date")
    a = ap.parse_args()
    text = render()
    if a.check:
        current = OUT.read_text() if OUT.exists() else ""
        stale = [str(OUT)] if current != text else []
        if not stale:
            pages = rd_pages()
            have = {p.stem: p.read_text() for p in MAN.glob("*.Rd")} if MAN.is_dir() else {}
            stale += [f"man/{n}.Rd" for n in sorted(set(pages) | set(have)) if pages.get(n) != have.get(n)]
        if stale:
            print(f"out of date: {', '.join(stale[:10])}: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    pages = rd_pages()
    MAN.mkdir(exist_ok=True)
    for old in MAN.glob("*.Rd"):
        if old.stem not in pages:
            old.unlink()
    for n, t in pages.items():
        (MAN / f"{n}.Rd").write_text(t)
    print(f"wrote {OUT} ({text.count(' <- function(')} wrappers) and {len(pages)} help pages in {MAN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
