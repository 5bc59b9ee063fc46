/*
 * The bridge between R and rtorch_py: R's .Call/.External entry points that call CPython directly.
 *
 * No numerical logic lives here. This file starts or attaches to Python, converts values both ways, holds
 * Python objects in R external pointers (finalizers drop them) and R objects in Python objects (a linked
 * list keeps them alive), turns Python exceptions into R errors and R errors in callbacks into Python
 * exceptions, and forwards Ctrl-C. Every tensor op from R is one entry point here, dispatched by name into
 * the table of rtorch_py/bridge/_hooks.py.
 *
 * Threads and the GIL: R is single-threaded and calls us on its main thread. When Rscript hosts, we start
 * Python and release the GIL; when Python hosts (rpy2), cffi released the GIL before entering R. So every
 * entry point and finalizer takes the GIL with PyGILState_Ensure (nesting is fine: R callbacks run inside
 * bridge calls with the GIL held and may call back in). No R longjmp may cross a frame holding the GIL or
 * Python references: R-side work that can fail happens before taking the GIL, and errors are raised after
 * releasing it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL rtorch_ARRAY_API
#include <numpy/arrayobject.h>

#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include <Rversion.h>
#include <R_ext/Rdynload.h>
#include <R_ext/Utils.h>
#include <R_ext/Altrep.h>

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#ifndef RTORCH_DEFAULT_PYTHON
#define RTORCH_DEFAULT_PYTHON "python3"
#endif

#define R_INTERFACE_PTRS
#include <Rinterface.h>

/* Exported by libR but not declared in the API headers. */
extern int R_interrupts_pending;
extern uintptr_t R_CStackLimit, R_CStackStart;
extern Rboolean R_Visible;
extern void Rf_onintr(void);

/* ------------------------------------------------------------------------------------------------ */
/* State                                                                                             */

static int bridge_state = 0;        /* 0: not started, 1: ready, -1: start failed */
static char start_error[1024];
static int we_started_python = 0;   /* Rscript hosts: we called Py_InitializeFromConfig */
static PyThreadState *saved_tstate = NULL;  /* our released GIL (Rscript hosting) */
static volatile sig_atomic_t in_python = 0; /* depth of bridge calls running Python code */
static volatile sig_atomic_t got_sigint = 0;
static struct sigaction prev_sigint;
static int sigint_installed = 0;

static SEXP sym_tag;      /* tag of our external pointers */
static SEXP sym_weak;     /* tag of our pointers holding a Python weak reference */
static SEXP sym_rt_py;    /* attribute holding the pointer of an R closure that wraps a Python callable */
static SEXP sym_colon, sym_dotdot, sym_N, sym_newaxis;
static SEXP sym_module, sym_self, sym_enclos, sym_clone;  /* a module's R6-like object (module_env) */
static SEXP clone_fun = NULL;  /* the namespace's .rt_module_clone: formals and body of that object's clone */
static SEXP ns_env = NULL;          /* the package namespace */
static SEXP precious = NULL;        /* head of a doubly-linked list of R objects held by Python */
static SEXP fn_keep = NULL;         /* STRSXP keeping the cached dispatch names alive */
static SEXP absent_marker = NULL;   /* an argument with this value is not passed to Python at all */
static SEXP native_callm = NULL, native_callobj = NULL;  /* NativeSymbolInfo objects, embedded in closures */
/* The primitives .External and invisible, embedded as objects in method closures' bodies: the body's call then
   needs no look-up of its function through the namespace, its imports and base (~0.5 us a method call). */
static SEXP prim_external = NULL, prim_invisible = NULL;
/* .External(C_rt_callm, x, name, ...) and invisible() of it: the bodies of method_closure_in */
/* method_name's table (see there) */
#define NAME_TAB 512
static SEXP name_keys[NAME_TAB];
static PyObject *name_values[NAME_TAB];
static int n_names = 0;
static SEXP name_keep = NULL;
static SEXP frame_body = NULL, frame_body_invisible = NULL, sym_x = NULL, sym_name = NULL;
static SEXP dots_formals = NULL;    /* pairlist(... = ) */
static SEXP cls_default = NULL;     /* class of Python objects nobody registered */
static SEXP str_subset = NULL, str_subassign = NULL;

static PyObject *py_dispatch, *py_dollar, *py_setattr, *py_rclass, *py_method, *py_method_invisible, *py_missing;
static PyObject *py_warnings, *py_rerror;
static PyObject *py_skeleton = NULL, *py_revive = NULL;  /* _hooks: a module's description for saveRDS, and back */
static PyTypeObject *tensor_type = NULL;  /* _hooks: the Tensor class, whose `_data` is a numpy array */
static PyObject *tensor_data_attr = NULL;
static PyObject *tensor_param_attr = NULL;  /* "_is_param": parameters are c("nn_parameter", ...) in R */
static SEXP cls_param = NULL;

static long n_ptrs_live = 0, n_ptrs_made = 0, n_robj_live = 0;
static long wraps_since_check = 0;

static char errbuf[8192];
static pthread_t r_thread;          /* R's main thread: the only one that may run R code */

/* ------------------------------------------------------------------------------------------------ */
/* R's non-local exits through Python frames.                                                        */
/*                                                                                                   */
/* R leaves a function by longjmp: errors, but also return()/break/next out of a callback, a         */
/* condition caught by an outer tryCatch (warning, message), a restart. None may jump over Python    */
/* frames or a held GIL. So every stretch of R code run while Python holds the GIL runs under        */
/* R_UnwindProtect, whose cleanup longjmps back to us (as cpp11 does): the jump becomes the Python    */
/* exception RUnwind (a BaseException, so `except Exception` lets it pass), Python's frames finish    */
/* (finally blocks restore grad mode and the like), and the bridge entry point that R called         */
/* releases the GIL and resumes the jump with R_ContinueUnwind (see fail()).                         */
/* The continuation tokens live in a preserved pool; an RUnwind exception owns its slot until it is  */
/* freed, so a swallowed exception loses nothing but the jump.                                       */

static SEXP unwind_pool = NULL;     /* VECSXP of R_MakeUnwindCont() tokens */
static int *unwind_free = NULL;     /* stack of free slots */
static int unwind_nfree = 0, unwind_size = 0;
static PyObject *py_unwind = NULL;  /* _rnative.RUnwind */

typedef struct {
    PyObject_HEAD
    int slot;
    char *msg;  /* the R error's message when the exit is an error (Python code may report it), else NULL */
} UnwindSlot;

static void unwind_slot_dealloc(UnwindSlot *self) {
    if (self->slot >= 0) unwind_free[unwind_nfree++] = self->slot;
    free(self->msg);
    PyObject_Free(self);
}

static PyObject *unwind_slot_str(UnwindSlot *self) {
    return PyUnicode_FromString(self->msg ? self->msg : "R non-local exit (return(), break, a condition "
                                                       "handled outside, a restart)");
}

static PyObject *unwind_slot_message(UnwindSlot *self, void *closure) {
    if (!self->msg) Py_RETURN_NONE;
    return PyUnicode_FromString(self->msg);
}

static PyGetSetDef unwind_slot_getset[] = {
    {"message", (getter)unwind_slot_message, NULL, "the R error's message, or None for other exits", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject UnwindSlotType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rtorch_py.bridge._rnative.UnwindSlot",
    .tp_basicsize = sizeof(UnwindSlot),
    .tp_dealloc = (destructor)unwind_slot_dealloc,
    .tp_str = (reprfunc)unwind_slot_str,
    .tp_getset = unwind_slot_getset,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The R continuation of a non-local exit in flight (owned by an RUnwind exception).",
};

/* Grows the pool (R allocation: only where no GIL is held, or at start-up). */
static void unwind_reserve(int want_free) {
    if (unwind_nfree >= want_free) return;
    int nsize = unwind_size ? unwind_size * 2 : 64;
    while (nsize - unwind_size + unwind_nfree < want_free) nsize *= 2;
    SEXP np = PROTECT(Rf_allocVector(VECSXP, nsize));
    int *nf = realloc(unwind_free, nsize * sizeof(int));
    if (!nf) Rf_error("torch bridge: out of memory");
    unwind_free = nf;
    for (int i = 0; i < unwind_size; i++) SET_VECTOR_ELT(np, i, VECTOR_ELT(unwind_pool, i));
    for (int i = unwind_size; i < nsize; i++) {
        SET_VECTOR_ELT(np, i, R_MakeUnwindCont());
        unwind_free[unwind_nfree++] = i;
    }
    R_PreserveObject(np);
    if (unwind_pool) R_ReleaseObject(unwind_pool);
    unwind_pool = np;
    unwind_size = nsize;
    UNPROTECT(1);
}

static void unwind_raise_msg(int slot, const char *msg);
#define unwind_raise(slot) unwind_raise_msg((slot), NULL)

static int unwind_take(void) {
    if (unwind_nfree == 0) {
        PyErr_SetString(PyExc_RecursionError, "torch bridge: R and Python call each other too deeply");
        return -1;
    }
    return unwind_free[--unwind_nfree];
}

/* Raises RUnwind owning `slot` (and a copy of `msg`, an R error's message, when not NULL). */
static void unwind_raise_msg(int slot, const char *msg) {
    UnwindSlot *u = PyObject_New(UnwindSlot, &UnwindSlotType);
    if (!u) { unwind_free[unwind_nfree++] = slot; return; }
    u->slot = slot;
    u->msg = msg ? strdup(msg) : NULL;
    PyErr_SetObject(py_unwind, (PyObject *)u);
    Py_DECREF(u);
}

/* The token of a pending RUnwind `value` (normalized), or NULL. */
static SEXP unwind_token(PyObject *value) {
    PyObject *args = value ? PyObject_GetAttrString(value, "args") : NULL;
    SEXP tok = NULL;
    if (args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1 &&
        Py_TYPE(PyTuple_GET_ITEM(args, 0)) == &UnwindSlotType) {
        int slot = ((UnwindSlot *)PyTuple_GET_ITEM(args, 0))->slot;
        if (slot >= 0 && slot < unwind_size) tok = VECTOR_ELT(unwind_pool, slot);
    }
    Py_XDECREF(args);
    PyErr_Clear();
    return tok;
}

typedef struct {
    SEXP (*fn)(void *);
    void *data;
    SEXP value;
    jmp_buf jb;
} TryCtx;

static SEXP try_body(void *d) {
    TryCtx *t = d;
    t->value = t->fn(t->data);
    return R_NilValue;
}

static void try_cleanup(void *d, Rboolean jump) {
    if (jump) longjmp(((TryCtx *)d)->jb, 1);
}

/* Runs fn(data), R API work done while the GIL is held (allocations, mkChar ...). An R non-local exit
   out of it becomes RUnwind and r_try returns NULL (as it does when fn returns NULL with a Python
   error set); the caller cleans up as for any Python error and the entry point's fail() resumes it. */
static SEXP r_try(SEXP (*fn)(void *), void *data) {
    int slot = unwind_take();
    if (slot < 0) return NULL;
    TryCtx t;
    t.fn = fn;
    t.data = data;
    t.value = NULL;
    if (setjmp(t.jb)) {
        unwind_raise(slot);
        return NULL;
    }
    R_UnwindProtect(try_body, &t, try_cleanup, &t, VECTOR_ELT(unwind_pool, slot));
    unwind_free[unwind_nfree++] = slot;
    return t.value;
}

/* A CHARSXP as a Python str, with no R call that can fail: "bytes"-encoded strings and strings that
   are not valid in their encoding become Python errors. */
static PyObject *r_str(SEXP c) {
    const char *s = CHAR(c);
    Py_ssize_t n = LENGTH(c);
    switch (Rf_getCharCE(c)) {
    case CE_BYTES:
        PyErr_SetString(PyExc_ValueError,
                        "strings with \"bytes\" encoding cannot be passed to torch: convert them with "
                        "iconv() or enc2utf8() first");
        return NULL;
    case CE_LATIN1:
        return PyUnicode_DecodeLatin1(s, n, "strict");
    case CE_UTF8:
        return PyUnicode_DecodeUTF8(s, n, "strict");
    default:
        /* native: ASCII, or the locale's encoding (UTF-8 almost everywhere) */
        for (Py_ssize_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80) return PyUnicode_DecodeLocaleAndSize(s, n, "strict");
        return PyUnicode_DecodeASCII(s, n, "strict");
    }
}

static PyObject *r_sym_str(SEXP sym) { return r_str(PRINTNAME(sym)); }

static int on_r_thread(void) {
    if (pthread_equal(pthread_self(), r_thread)) return 1;
    PyErr_SetString(PyExc_RuntimeError,
                    "R can only be called from R's main thread: this Python thread may not run R code "
                    "(R callbacks, R objects); run it from the thread that hosts R");
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* R objects held by Python: a doubly-linked pairlist (O(1) insert and remove).                       */
/* Each token: CAR = previous cell, CDR = next cell, TAG = the object.                                */

static SEXP hold_sexp(SEXP x) {
    PROTECT(x);
    SEXP next = CDR(precious);
    SEXP token = PROTECT(Rf_cons(precious, next));
    SET_TAG(token, x);
    SETCDR(precious, token);
    if (next != R_NilValue) SETCAR(next, token);
    UNPROTECT(2);
    return token;
}

static void release_sexp(SEXP token) {
    SEXP prev = CAR(token), next = CDR(token);
    SETCDR(prev, next);
    if (next != R_NilValue) SETCAR(next, prev);
    SETCAR(token, R_NilValue);
    SETCDR(token, R_NilValue);
    SET_TAG(token, R_NilValue);
}

/* ------------------------------------------------------------------------------------------------ */
/* RObject: an R value inside Python. Calling it calls the R function (R errors -> RError).          */

typedef struct RObject {
    PyObject_HEAD
    SEXP sexp;
    SEXP token;
    struct RObject *prev, *next;  /* every live RObject (the cross-collector walks them) */
    PyObject **edges;             /* during a cross collection only: see cross_collect() */
    Py_ssize_t nedges;
} RObject;

static RObject *robj_first = NULL;

static PyTypeObject RObjectType;
static PyObject *r2py(SEXP x);
static int py2r_depth = 0;
static SEXP py2r(PyObject *o);

static SEXP hold_body(void *x) { return hold_sexp((SEXP)x); }

static PyObject *robject_new(SEXP x) {
    SEXP token = r_try(hold_body, x);
    if (!token) return NULL;
    RObject *self = PyObject_GC_New(RObject, &RObjectType);
    if (!self) { release_sexp(token); return NULL; }
    self->sexp = x;
    self->token = token;
    self->edges = NULL;
    self->nedges = 0;
    self->prev = NULL;
    self->next = robj_first;
    if (robj_first) robj_first->prev = self;
    robj_first = self;
    n_robj_live++;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static void robject_drop_edges(RObject *self) {
    for (Py_ssize_t i = 0; i < self->nedges; i++) Py_DECREF(self->edges[i]);
    PyMem_Free(self->edges);
    self->edges = NULL;
    self->nedges = 0;
}

/* Python's collector found this RObject in garbage: let R have its value back. */
static int robject_clear(RObject *self) {
    if (self->token) {
        release_sexp(self->token);
        self->token = NULL;
        n_robj_live--;
    }
    self->sexp = R_NilValue;
    robject_drop_edges(self);
    return 0;
}

static int robject_traverse(RObject *self, visitproc visit, void *arg) {
    for (Py_ssize_t i = 0; i < self->nedges; i++) Py_VISIT(self->edges[i]);
    return 0;
}

static void robject_dealloc(RObject *self) {
    PyObject_GC_UnTrack(self);
    robject_clear(self);
    if (self->prev) self->prev->next = self->next;
    else if (robj_first == self) robj_first = self->next;
    if (self->next) self->next->prev = self->prev;
    PyObject_GC_Del(self);
}

static PyObject *robject_repr(RObject *self) {
    /* shown in error messages R users read: R's words */
    int t = TYPEOF(self->sexp);
    if (t == CLOSXP || t == BUILTINSXP || t == SPECIALSXP) return PyUnicode_FromString("an R function");
    return PyUnicode_FromFormat("an R %s", Rf_type2char(t));
}

/* Calling R from Python. The call is built and evaluated under R_UnwindProtect (see r_try): any R
   non-local exit out of it (an error nobody handles inside, a condition caught outside, return(),
   break, a restart) becomes RUnwind, which Python's frames pass on to the bridge entry point below
   them, and that resumes the jump in R. Only when no bridge call is below (Python hosts and calls R
   directly) are R errors caught here and raised as RError. */
typedef struct {
    SEXP fun;
    PyObject *args, *kwargs;
    int py_failed;     /* a Python exception is set (argument conversion failed) */
    int r_failed;      /* 1: R error, 2: interrupt */
    char *msg;
    SEXP value;
    jmp_buf jb;
} RCall;

static SEXP quote_if_needed(SEXP v) {
    int t = TYPEOF(v);
    if (t == SYMSXP || t == LANGSXP || t == PROMSXP) return Rf_lang2(R_QuoteSymbol, v);
    return v;
}

static SEXP rcall_body(void *data) {
    RCall *c = data;
    Py_ssize_t na = c->args ? PyTuple_GET_SIZE(c->args) : 0;
    Py_ssize_t nk = c->kwargs ? PyDict_GET_SIZE(c->kwargs) : 0;
    SEXP call = PROTECT(Rf_allocList((int)(na + nk + 1)));
    SET_TYPEOF(call, LANGSXP);
    SETCAR(call, c->fun);
    SEXP cell = CDR(call);
    for (Py_ssize_t i = 0; i < na; i++, cell = CDR(cell)) {
        SEXP v = py2r(PyTuple_GET_ITEM(c->args, i));
        if (!v) { c->py_failed = 1; UNPROTECT(1); return R_NilValue; }
        SETCAR(cell, quote_if_needed(v));
    }
    Py_ssize_t pos = 0;
    PyObject *k, *val;
    while (nk && PyDict_Next(c->kwargs, &pos, &k, &val)) {
        SEXP v = py2r(val);
        if (!v) { c->py_failed = 1; UNPROTECT(1); return R_NilValue; }
        SETCAR(cell, quote_if_needed(v));
        const char *name = PyUnicode_AsUTF8(k);
        if (!name) { c->py_failed = 1; UNPROTECT(1); return R_NilValue; }
        SET_TAG(cell, Rf_install(name));
        cell = CDR(cell);
    }
    SEXP res = Rf_eval(call, R_GlobalEnv);
    UNPROTECT(1);
    return res;
}

static SEXP rcall_handler(SEXP cond, void *data) {
    RCall *c = data;
    c->r_failed = Rf_inherits(cond, "interrupt") ? 2 : 1;
    const char *m = "R error";
    if (TYPEOF(cond) == VECSXP && XLENGTH(cond) > 0 && TYPEOF(VECTOR_ELT(cond, 0)) == STRSXP &&
        XLENGTH(VECTOR_ELT(cond, 0)) > 0)
        m = CHAR(STRING_ELT(VECTOR_ELT(cond, 0), 0));
    c->msg = strdup(m);
    return R_NilValue;
}

static SEXP rcall_catching(void *data) {
    static SEXP conds = NULL;
    if (!conds) {
        conds = Rf_allocVector(STRSXP, 2);
        R_PreserveObject(conds);
        SET_STRING_ELT(conds, 0, Rf_mkChar("error"));
        SET_STRING_ELT(conds, 1, Rf_mkChar("interrupt"));
    }
    RCall *c = data;
    c->value = R_tryCatch(rcall_body, c, conds, rcall_handler, c, NULL, NULL);
    return R_NilValue;
}

/* A calling handler: notes an error's message and returns, so the error goes on to R's own handlers. */
static SEXP rcall_note(SEXP cond, void *data) {
    RCall *c = data;
    if (!c->msg && TYPEOF(cond) == VECSXP && XLENGTH(cond) > 0 && TYPEOF(VECTOR_ELT(cond, 0)) == STRSXP &&
        XLENGTH(VECTOR_ELT(cond, 0)) > 0)
        c->msg = strdup(CHAR(STRING_ELT(VECTOR_ELT(cond, 0), 0)));
    return R_NilValue;
}

static SEXP rcall_plain(void *data) {
    RCall *c = data;
    c->value = R_withCallingErrorHandler(rcall_body, c, rcall_note, c);
    return R_NilValue;
}

static void rcall_cleanup(void *d, Rboolean jump) {
    if (jump) longjmp(((RCall *)d)->jb, 1);
}

static PyObject *robject_call(RObject *self, PyObject *args, PyObject *kwargs) {
    if (!on_r_thread()) return NULL;
    if (!self->token || !Rf_isFunction(self->sexp)) {
        PyErr_SetString(PyExc_TypeError, "this R object is not a function");
        return NULL;
    }
    int slot = unwind_take();
    if (slot < 0) return NULL;
    RCall c;
    memset(&c, 0, sizeof c);
    c.fun = self->sexp;
    c.args = args;
    c.kwargs = kwargs;
    c.value = R_NilValue;
    /* a bridge call below us can resume R's jumps; without one, catch errors here */
    int was_in_python = in_python;
    in_python = 0;  /* R code runs now: Ctrl-C goes to R, which raises an interrupt condition */
    int depth = py2r_depth;
    if (setjmp(c.jb)) {
        in_python = was_in_python;
        py2r_depth = depth;
        if (c.py_failed) PyErr_Clear();
        if (was_in_python > 0) {
            unwind_raise_msg(slot, c.msg);
            free(c.msg);
        } else {
            free(c.msg);
            unwind_free[unwind_nfree++] = slot;
            PyErr_SetString(py_rerror ? py_rerror : PyExc_RuntimeError,
                            "R code called from Python left by a non-local exit (return(), break, a "
                            "restart or a handler outside the call), which only R can resume");
        }
        return NULL;
    }
    R_UnwindProtect(was_in_python > 0 ? rcall_plain : rcall_catching, &c, rcall_cleanup, &c,
                    VECTOR_ELT(unwind_pool, slot));
    unwind_free[unwind_nfree++] = slot;
    in_python = was_in_python;
    if (c.py_failed) return NULL;
    if (c.r_failed) {
        if (c.r_failed == 2) PyErr_SetNone(PyExc_KeyboardInterrupt);
        else PyErr_SetString(py_rerror ? py_rerror : PyExc_RuntimeError, c.msg ? c.msg : "R error");
        free(c.msg);
        return NULL;
    }
    PROTECT(c.value);
    PyObject *out = r2py(c.value);
    UNPROTECT(1);
    return out;
}

static PyObject *robject_is_function(RObject *self, void *closure) {
    return PyBool_FromLong(Rf_isFunction(self->sexp));
}

static PyObject *robject_rtype(RObject *self, void *closure) {
    return PyUnicode_FromString(Rf_type2char(TYPEOF(self->sexp)));
}

static PyObject *py_signature = NULL;  /* _hooks.signature_from_formals */

/* inspect.signature() of an R closure: its formals (`...` is *args), so Python code that inspects
   callbacks (autograd_function, optimizers) sees R's parameters. */
static PyObject *robject_signature(RObject *self, void *closure) {
    if (TYPEOF(self->sexp) != CLOSXP || !py_signature) Py_RETURN_NONE;
    SEXP f = FORMALS(self->sexp);
    Py_ssize_t n = 0;
    for (SEXP a = f; a != R_NilValue; a = CDR(a)) n++;
    PyObject *names = PyList_New(n), *defaults = PyList_New(n);
    if (!names || !defaults) { Py_XDECREF(names); Py_XDECREF(defaults); return NULL; }
    Py_ssize_t i = 0;
    for (SEXP a = f; a != R_NilValue; a = CDR(a), i++) {
        PyObject *nm = r_sym_str(TAG(a));
        if (!nm) { Py_DECREF(names); Py_DECREF(defaults); return NULL; }
        PyList_SET_ITEM(names, i, nm);
        PyList_SET_ITEM(defaults, i, PyBool_FromLong(CAR(a) != R_MissingArg));
    }
    PyObject *sig = PyObject_CallFunctionObjArgs(py_signature, names, defaults, NULL);
    Py_DECREF(names);
    Py_DECREF(defaults);
    return sig;
}

static PyGetSetDef robject_getset[] = {
    {"__signature__", (getter)robject_signature, NULL, "R's formals as an inspect.Signature", NULL},
    {"is_function", (getter)robject_is_function, NULL, "whether R can call it", NULL},
    {"rtype", (getter)robject_rtype, NULL, "R's typeof()", NULL},
    {NULL}
};

static PyTypeObject RObjectType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rtorch_py.bridge._rnative.RObject",
    .tp_basicsize = sizeof(RObject),
    .tp_dealloc = (destructor)robject_dealloc,
    .tp_repr = (reprfunc)robject_repr,
    .tp_call = (ternaryfunc)robject_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)robject_traverse,
    .tp_clear = (inquiry)robject_clear,
    .tp_doc = "An R value held by Python; calling it calls the R function (an R error raises RError).",
    .tp_getset = robject_getset,
};

/* _rnative module: the few things Python needs from this side. */
static PyObject *native_stats(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{s:l,s:l,s:l}", "pointers_live", n_ptrs_live, "pointers_made", n_ptrs_made,
                         "robjects_live", n_robj_live);
}

static PyObject *native_r_gc(PyObject *self, PyObject *unused) {
    R_gc();
    Py_RETURN_NONE;
}

static PyObject *native_in_call(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(in_python > 0);
}

static PyMethodDef native_methods[] = {
    {"in_call", native_in_call, METH_NOARGS, "Whether Python runs inside a call from R."},
    {"stats", native_stats, METH_NOARGS, "Counts of live R external pointers and RObjects."},
    {"r_gc", native_r_gc, METH_NOARGS, "Run R's garbage collector (finalizers release Python objects)."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "rtorch_py.bridge._rnative", "C side of the R bridge (r_shim/src/bridge.c).",
    -1, native_methods
};

/* ------------------------------------------------------------------------------------------------ */
/* R -> Python                                                                                       */

static PyObject *ptr_object(SEXP p) {
    PyObject *o = (PyObject *)R_ExternalPtrAddr(p);
    if (!o) {
        PyErr_Format(PyExc_ValueError,
                     "this torch object is no longer valid: it was saved and restored (saveRDS/readRDS, "
                     "save/load) or came from another R session; torch objects live only in the session "
                     "that made them: use torch_save() and torch_load() instead%s",
                     TYPEOF(R_ExternalPtrProtected(p)) == RAWSXP && XLENGTH(R_ExternalPtrProtected(p)) > 0
                     ? " (a module restored so gets its tensors back with $load_state_dict(), as in R torch)" : "");
        return NULL;
    }
    if (R_ExternalPtrTag(p) == sym_weak) {
        o = PyWeakref_GetObject(o);
        if (!o) return NULL;
        if (o == Py_None) {
            PyErr_SetString(PyExc_ReferenceError,
                            "this torch object (`self` of a method kept after its object was deleted) no "
                            "longer exists");
            return NULL;
        }
    }
    Py_INCREF(o);
    return o;
}

/* R's NA (logical, integer, character; a double NA is NaN) has no Python value that means "missing"
   without meaning "not given": a value holding one stays the R value (an RObject), so that it goes back
   to R unchanged (a module's field), and na_seen tells the entry point to refuse it as an argument of a
   torch function, naming the argument (_hooks.reject_na). */
static PyObject *py_reject_na = NULL, *py_error_text = NULL;
static PyObject *current_fn = NULL;  /* borrowed: the callable of the bridge call in progress (error texts) */
static int na_seen = 0;

static PyObject *na_value(SEXP x) {
    na_seen = 1;
    return robject_new(x);
}

static int has_na(SEXP x) {
    R_xlen_t n = XLENGTH(x);
    const int *v = TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x);
    for (R_xlen_t i = 0; i < n; i++)
        if (v[i] == NA_INTEGER) return 1;
    return 0;
}

static PyObject *r_array(SEXP x, SEXP dim) {
    int nd = dim == R_NilValue ? 1 : (int)XLENGTH(dim);
    npy_intp shape[NPY_MAXDIMS];
    if (nd > NPY_MAXDIMS || (dim != R_NilValue && TYPEOF(dim) != INTSXP)) {
        PyErr_Format(PyExc_ValueError, "R arrays with more than %d dimensions cannot be passed to torch",
                     NPY_MAXDIMS);
        return NULL;
    }
    int t = TYPEOF(x);
    /* bit64's integer64: a double vector holding int64 bit patterns (its NA is INT64_MIN) */
    int i64 = t == REALSXP && OBJECT(x) && Rf_inherits(x, "integer64");
    if (i64) {
        const int64_t *v = (const int64_t *)REAL(x);
        for (R_xlen_t i = 0; i < XLENGTH(x); i++)
            if (v[i] == INT64_MIN) return na_value(x);
    }
    if (t != REALSXP && t != CPLXSXP && t != RAWSXP && has_na(x)) return na_value(x);
    if (dim == R_NilValue) shape[0] = (npy_intp)XLENGTH(x);
    else for (int i = 0; i < nd; i++) shape[i] = INTEGER(dim)[i];
    int npt = i64 ? NPY_INT64 : t == REALSXP ? NPY_FLOAT64 : t == INTSXP ? NPY_INT32 : t == CPLXSXP ? NPY_COMPLEX128
              : t == RAWSXP ? NPY_UINT8 : NPY_BOOL;
    /* Fortran order: R's column-major buffer keeps t[i, j] == m[i, j]. */
    PyObject *a = PyArray_New(&PyArray_Type, nd, shape, npt, NULL, NULL, 0, NPY_ARRAY_F_CONTIGUOUS, NULL);
    if (!a) return NULL;
    R_xlen_t n = XLENGTH(x);
    if (i64) memcpy(PyArray_DATA((PyArrayObject *)a), REAL(x), n * sizeof(int64_t));
    else if (t == RAWSXP) memcpy(PyArray_DATA((PyArrayObject *)a), RAW(x), n);
    else if (t == REALSXP) {
        /* R's NA is a signalling NaN: quiet it, or casts to float32 warn "invalid value" */
        double *d = PyArray_DATA((PyArrayObject *)a);
        const double *r = REAL(x);
        for (R_xlen_t i = 0; i < n; i++) d[i] = r[i] == r[i] ? r[i] : NAN;
    } else if (t == INTSXP) memcpy(PyArray_DATA((PyArrayObject *)a), INTEGER(x), n * sizeof(int));
    else if (t == CPLXSXP) memcpy(PyArray_DATA((PyArrayObject *)a), COMPLEX(x), n * sizeof(Rcomplex));
    else {
        npy_bool *d = PyArray_DATA((PyArrayObject *)a);
        const int *l = LOGICAL(x);
        for (R_xlen_t i = 0; i < n; i++) d[i] = l[i] != 0;
    }
    return a;
}

static PyObject *r2py_in(SEXP x);

static PyObject *r_names_dict(SEXP x, SEXP names) {
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    R_xlen_t n = XLENGTH(x);
    for (R_xlen_t i = 0; i < n; i++) {
        PyObject *v = r2py_in(VECTOR_ELT(x, i));
        if (!v) { Py_DECREF(d); return NULL; }
        PyObject *nm = STRING_ELT(names, i) == NA_STRING ? PyUnicode_FromString("NA")
                                                         : r_str(STRING_ELT(names, i));
        int rc = nm ? PyDict_SetItem(d, nm, v) : -1;
        Py_XDECREF(nm);
        Py_DECREF(v);
        if (rc < 0) { Py_DECREF(d); return NULL; }
    }
    return d;
}

/* Lists nest at most this deep (a tensor has at most a few dozen dimensions; deeper would overflow the
   C stack). */
#define MAX_NESTING 100
static int r2py_depth = 0;

static PyObject *r2py_in(SEXP x) {
    if (r2py_depth >= MAX_NESTING) {
        PyErr_Format(PyExc_ValueError, "R lists nested more than %d levels deep cannot be passed to torch",
                     MAX_NESTING);
        return NULL;
    }
    r2py_depth++;
    PyObject *o = r2py(x);
    r2py_depth--;
    return o;
}

static PyObject *r2py(SEXP x) {
    switch (TYPEOF(x)) {
    case NILSXP:
        Py_RETURN_NONE;
    case EXTPTRSXP:
        if (R_ExternalPtrTag(x) == sym_tag || R_ExternalPtrTag(x) == sym_weak) return ptr_object(x);
        return robject_new(x);
    case REALSXP:
    case INTSXP:
    case LGLSXP: {
        if (OBJECT(x) && Rf_inherits(x, "factor")) {
            PyErr_SetString(PyExc_TypeError,
                            "factors are not supported by torch: convert with as.integer() or "
                            "as.character() first");
            return NULL;
        }
        SEXP dim = Rf_getAttrib(x, R_DimSymbol);
        if (XLENGTH(x) == 1 && dim == R_NilValue && !(OBJECT(x) && Rf_inherits(x, "integer64"))) {
            if (TYPEOF(x) == REALSXP) {
                double d = REAL(x)[0];
                return PyFloat_FromDouble(d == d ? d : NAN);
            }
            if (TYPEOF(x) == INTSXP) {
                if (INTEGER(x)[0] == NA_INTEGER) return na_value(x);
                return PyLong_FromLong(INTEGER(x)[0]);
            }
            if (LOGICAL(x)[0] == NA_LOGICAL) return na_value(x);
            return PyBool_FromLong(LOGICAL(x)[0]);
        }
        return r_array(x, dim);
    }
    case RAWSXP:  /* bytes: a uint8 array (torch_tensor() makes a Byte tensor of it, as R torch) */
        return r_array(x, Rf_getAttrib(x, R_DimSymbol));
    case CPLXSXP: {
        SEXP dim = Rf_getAttrib(x, R_DimSymbol);
        if (XLENGTH(x) == 1 && dim == R_NilValue) return PyComplex_FromDoubles(COMPLEX(x)[0].r, COMPLEX(x)[0].i);
        return r_array(x, dim);
    }
    case STRSXP: {
        R_xlen_t n = XLENGTH(x);
        for (R_xlen_t i = 0; i < n; i++)
            if (STRING_ELT(x, i) == NA_STRING) return na_value(x);
        if (n == 1 && Rf_getAttrib(x, R_DimSymbol) == R_NilValue) return r_str(STRING_ELT(x, 0));
        PyObject *l = PyList_New(n);
        if (!l) return NULL;
        for (R_xlen_t i = 0; i < n; i++) {
            PyObject *s = r_str(STRING_ELT(x, i));
            if (!s) { Py_DECREF(l); return NULL; }
            PyList_SET_ITEM(l, i, s);
        }
        return l;
    }
    case VECSXP: {
        SEXP names = Rf_getAttrib(x, R_NamesSymbol);
        if (names != R_NilValue) return r_names_dict(x, names);
        R_xlen_t n = XLENGTH(x);
        PyObject *l = PyList_New(n);
        if (!l) return NULL;
        for (R_xlen_t i = 0; i < n; i++) {
            PyObject *v = r2py_in(VECTOR_ELT(x, i));
            if (!v) { Py_DECREF(l); return NULL; }
            PyList_SET_ITEM(l, i, v);
        }
        return l;
    }
    case CLOSXP: {
        SEXP p = Rf_getAttrib(x, sym_rt_py);
        if (TYPEOF(p) == EXTPTRSXP && (R_ExternalPtrTag(p) == sym_tag || R_ExternalPtrTag(p) == sym_weak))
            return ptr_object(p);
        return robject_new(x);
    }
    case SYMSXP:
        if (x == R_MissingArg) { Py_INCREF(py_missing); return py_missing; }
        return robject_new(x);
    default:
        return robject_new(x);
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* Python -> R                                                                                       */

typedef struct {
    PyTypeObject *tp;
    SEXP cls;   /* preserved class vector */
    int kind;   /* 0: external pointer, 1: R function (closure) wrapping a callable, 2: a module (see wrap_as) */
} ClassEntry;

#define CLASS_CACHE 256
static ClassEntry class_cache[CLASS_CACHE];
static int n_class_cache = 0;

static int trial_mode = 0;
static SEXP trial_ptrs = NULL;

static void ptr_finalizer(SEXP p) {
    PyObject *o = (PyObject *)R_ExternalPtrAddr(p);
    if (!o) return;
    if (trial_mode) {
        /* a cross collection's trial (see cross_collect): note the pointer, keep it and its object */
        SETCDR(trial_ptrs, Rf_cons(p, CDR(trial_ptrs)));
        return;
    }
    R_ClearExternalPtr(p);
    n_ptrs_live--;
    if (!Py_IsInitialized()) return;
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF(o);
    PyGILState_Release(g);
}

static int class_of(PyObject *o, SEXP *cls, int *kind) {
    PyTypeObject *tp = Py_TYPE(o);
    for (int i = 0; i < n_class_cache; i++) {
        if (class_cache[i].tp == tp) {
            *cls = PROTECT(class_cache[i].cls);
            *kind = class_cache[i].kind;
            return 0;
        }
    }
    /* Ask Python: r_class(obj) -> (class names, kind[, cacheable]); cached per type unless the answer
       depends on the object (classes of classes, say). The result is protected once (callers unprotect). */
    PyObject *r = PyObject_CallOneArg(py_rclass, o);
    if (!r) return -1;
    SEXP c = cls_default;
    int k = 0, cacheable = 1;
    if (r != Py_None) {
        PyObject *names = NULL;
        if (!PyArg_ParseTuple(r, "Oi|p", &names, &k, &cacheable)) { Py_DECREF(r); return -1; }
        Py_ssize_t n = PySequence_Size(names);
        if (n < 0) { Py_DECREF(r); return -1; }
        c = PROTECT(Rf_allocVector(STRSXP, n));
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *s = PySequence_GetItem(names, i);
            const char *cs = s ? PyUnicode_AsUTF8(s) : NULL;
            if (!cs) { Py_XDECREF(s); Py_DECREF(r); UNPROTECT(1); return -1; }
            SET_STRING_ELT(c, i, Rf_mkCharCE(cs, CE_UTF8));
            Py_DECREF(s);
        }
        UNPROTECT(1);
    }
    Py_DECREF(r);
    PROTECT(c);
    if (cacheable && n_class_cache < CLASS_CACHE) {
        R_PreserveObject(c);
        MARK_NOT_MUTABLE(c);
        Py_INCREF(tp);
        class_cache[n_class_cache].tp = tp;
        class_cache[n_class_cache].cls = c;
        class_cache[n_class_cache].kind = k;
        n_class_cache++;
    }
    *cls = c;
    *kind = k;
    return 0;
}

static void count_bytes(PyObject *o);

/* A fresh external pointer (never reuse one: `class<-` on a pointer changes it for every holder) to `held`,
   with the R class of `o`: held is o itself, or (tag sym_weak) a Python weak reference to o. */
/* A tensor marked by nn_parameter (R torch's class c("nn_parameter", "torch_tensor", "R7"), kept by
   $clone() and $detach() as R torch keeps the attributes); one attribute read, tensors only. */
static int tensor_is_param(PyObject *o) {
    if (!tensor_param_attr || Py_TYPE(o) != tensor_type) return 0;
    PyObject *v = PyObject_GetAttr(o, tensor_param_attr);
    if (!v) { PyErr_Clear(); return 0; }
    int r = v == Py_True;
    Py_DECREF(v);
    return r;
}

/* A closure (formals, body, env): R_mkClosure where R has it (4.5), the cell filled by hand before. */
static SEXP make_closure(SEXP formals, SEXP body, SEXP env) {
#if R_VERSION >= R_Version(4, 5, 0)
    return R_mkClosure(formals, body, env);
#else
    SEXP out = PROTECT(Rf_allocSExp(CLOSXP));
    SET_FORMALS(out, formals);
    SET_BODY(out, body);
    SET_CLOENV(out, env);
    UNPROTECT(1);
    return out;
#endif
}

static SEXP module_env(SEXP f, SEXP cls);
static SEXP wcache_get(PyObject *o);
static void wcache_put(PyObject *o, SEXP f);
static R_altrep_class_t skel_class;
static int skel_registered = 0;

static SEXP wrap_as(PyObject *o, PyObject *held, SEXP tag) {
    SEXP cls;
    int kind;
    if (class_of(o, &cls, &kind) < 0) return NULL;  /* cls comes back protected */
    if (kind == 2 && tag == sym_tag) {
        /* a module: the same R function while R holds it (R torch's modules are R objects: y$x and y$y of
           one submodule are identical) */
        SEXP f = wcache_get(o);
        if (f) {
            UNPROTECT(1);
            return f;
        }
    }
    if (tensor_is_param(o)) {
        UNPROTECT(1);
        cls = PROTECT(cls_param);
    }
    SEXP p = PROTECT(R_MakeExternalPtr(NULL, tag, R_NilValue));
    R_RegisterCFinalizerEx(p, ptr_finalizer, FALSE);
    Py_INCREF(held);  /* only once R can no longer fail before the finalizer owns it */
    R_SetExternalPtrAddr(p, held);
    n_ptrs_live++;
    n_ptrs_made++;
    wraps_since_check++;
    count_bytes(o);
    if (kind == 2 && tag == sym_tag && skel_registered)
        /* what saveRDS() keeps of the module: the holder's serialized state is its description (skel_state) */
        R_SetExternalPtrProtected(p, R_new_altrep(skel_class, p, R_NilValue));
    if (kind >= 1) {
        /* function(...) .External(C_rt_callobj, <p>, ...): the routine by name (found in the namespace, the
           closure's environment), so that a copy restored by readRDS() reaches rt_callobj, whose error then
           points to torch_save(), instead of failing on a stale NativeSymbolInfo address */
        SEXP body = PROTECT(Rf_lang4(Rf_install(".External"), Rf_install("C_rt_callobj"), p, R_DotsSymbol));
        SEXP f = PROTECT(make_closure(dots_formals, body, ns_env));
        Rf_setAttrib(f, sym_rt_py, p);
        Rf_setAttrib(f, R_ClassSymbol, cls);
        if (kind == 2 && tag == sym_tag) {
            Rf_setAttrib(f, sym_module, module_env(f, cls));
            MARK_NOT_MUTABLE(f);  /* shared by every holder: attributes set on it make a copy */
            wcache_put(o, f);
        }
        UNPROTECT(4);
        return f;
    }
    Rf_setAttrib(p, R_ClassSymbol, cls);
    UNPROTECT(2);
    return p;
}

static SEXP wrap_object(PyObject *o) { return wrap_as(o, o, sym_tag); }

/* A Python weakref.ref crossing into R: a pointer that does not keep its object alive but otherwise is the
   object (same class; it resolves to the object when it comes back). R-defined methods get `self` this
   way, so a closure a module stores in itself (`self$act <- function(x) ...`, whose environment holds
   `self`) makes no cycle across the two collectors. */
static SEXP wrap_weak(PyObject *ref) {
    PyObject *target = PyWeakref_GetObject(ref);  /* borrowed */
    if (!target) return NULL;
    if (target == Py_None) return R_NilValue;
    return wrap_as(target, ref, sym_weak);
}

/* Module wrappers by Python object: PyObject* -> an R weak reference, keyed by the function's pointer, to its R
   function (open addressing; R's weak references are ephemerons: the function, holding its key, lives only
   while something else holds it or the pointer). The function is the protected value of an external pointer,
   the reference's value: R duplicates a referenced value, and a pointer is never duplicated. An entry is used only while it lives and still points to
   the object; dead ones are dropped when the table grows. The keys are not owned: a live function owns its object, so an address in use by a live
   entry is never reused. */
static PyObject **wc_keys = NULL;
static SEXP wc_refs = NULL;        /* preserved VECSXP of weak references, slot for slot */
static size_t wc_cap = 0, wc_n = 0;

static size_t wc_slot(PyObject **keys, size_t cap, PyObject *o) {
    size_t i = ((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ULL >> 20;
    i &= cap - 1;
    while (keys[i] && keys[i] != o) i = (i + 1) & (cap - 1);
    return i;
}

static SEXP wcache_get(PyObject *o) {
    if (!wc_cap) return NULL;
    /* A collection that found a function unreachable leaves its pointer's finalizer pending (R runs them
       later); handing the function out meanwhile would give R a function whose pointer is about to be
       cleared. Running them now clears such entries first (R catches errors in finalizers). */
    R_RunPendingFinalizers();
    size_t i = wc_slot(wc_keys, wc_cap, o);
    if (wc_keys[i] != o) return NULL;
    SEXP holder = R_WeakRefValue(VECTOR_ELT(wc_refs, i));
    if (TYPEOF(holder) != EXTPTRSXP) return NULL;
    SEXP f = R_ExternalPtrProtected(holder);
    if (TYPEOF(f) != CLOSXP) return NULL;
    SEXP p = Rf_getAttrib(f, sym_rt_py);
    return TYPEOF(p) == EXTPTRSXP && R_ExternalPtrAddr(p) == (void *)o ? f : NULL;
}

/* May allocate (the caller protects f). */
static void wcache_put(PyObject *o, SEXP f) {
    if ((wc_n + 1) * 2 > wc_cap) {
        size_t live = 0;
        for (size_t j = 0; j < wc_cap; j++)
            if (wc_keys[j] && R_WeakRefKey(VECTOR_ELT(wc_refs, j)) != R_NilValue) live++;
        size_t ncap = 64;
        while (ncap < 4 * (live + 1)) ncap *= 2;
        PyObject **nk = calloc(ncap, sizeof(PyObject *));
        if (!nk) return;  /* no cache: the wrapper still works */
        SEXP nr = PROTECT(Rf_allocVector(VECSXP, ncap));
        size_t n = 0;
        for (size_t j = 0; j < wc_cap; j++) {
            SEXP w = VECTOR_ELT(wc_refs, j);
            if (!wc_keys[j] || R_WeakRefKey(w) == R_NilValue) continue;
            size_t k = wc_slot(nk, ncap, wc_keys[j]);
            nk[k] = wc_keys[j];
            SET_VECTOR_ELT(nr, k, w);
            n++;
        }
        R_PreserveObject(nr);
        UNPROTECT(1);
        if (wc_refs) R_ReleaseObject(wc_refs);
        free(wc_keys);
        wc_keys = nk;
        wc_refs = nr;
        wc_cap = ncap;
        wc_n = n;
    }
    SEXP p = Rf_getAttrib(f, sym_rt_py);
    if (TYPEOF(p) != EXTPTRSXP) return;
    SEXP holder = PROTECT(R_MakeExternalPtr(NULL, R_NilValue, f));
    SEXP w = R_MakeWeakRef(p, holder, R_NilValue, FALSE);
    UNPROTECT(1);
    size_t i = wc_slot(wc_keys, wc_cap, o);
    if (!wc_keys[i]) wc_n++;
    wc_keys[i] = o;
    SET_VECTOR_ELT(wc_refs, i, w);
}

/* attr(module, "module"): R torch's R6 object of the module, as far as R code looks at it: an environment
   of class c(<module classes>, "nn_Module", "R6") whose `$` reaches the module (`$.nn_Module`, through its
   attribute "rtorch_py", the module's pointer), with R6's locked method binding `clone` and
   `.__enclos_env__` holding `self` (the object itself, as R6's). */
static SEXP module_env(SEXP f, SEXP cls) {
    SEXP e = PROTECT(R_NewEnv(R_EmptyEnv, FALSE, 0));
    Rf_setAttrib(e, sym_rt_py, Rf_getAttrib(f, sym_rt_py));
    SEXP enclos = PROTECT(R_NewEnv(ns_env, FALSE, 0));
    Rf_defineVar(sym_self, e, enclos);
    Rf_defineVar(sym_enclos, enclos, e);
    if (clone_fun && TYPEOF(clone_fun) == CLOSXP) {
        SEXP c = PROTECT(make_closure(FORMALS(clone_fun), BODY(clone_fun), enclos));
        Rf_defineVar(sym_clone, c, e);
        R_LockBinding(sym_clone, e);
        UNPROTECT(1);
    }
    R_xlen_t n = XLENGTH(cls);  /* c(..., "nn_module") */
    SEXP ecls = PROTECT(Rf_allocVector(STRSXP, n + 1));
    for (R_xlen_t i = 0; i + 1 < n; i++) SET_STRING_ELT(ecls, i, STRING_ELT(cls, i));
    SET_STRING_ELT(ecls, n - 1, Rf_mkChar("nn_Module"));
    SET_STRING_ELT(ecls, n, Rf_mkChar("R6"));
    Rf_setAttrib(e, R_ClassSymbol, ecls);
    UNPROTECT(3);
    return e;
}

/* What saveRDS() keeps of a module. R torch's saveRDS(model) keeps the module's R6 object with its tensors'
   pointers emptied; readRDS gives a module whose tensors are gone until load_state_dict() gives it new ones.
   Here the module is one Python object behind one pointer, so the pointer's protected value is an ALTREP
   holder (a raw vector of length 0) whose serialized state is the module's description, asked of Python when
   R serializes it (_hooks.module_skeleton: structure, and each tensor's shape, dtype and flags, no values).
   Unserialized, the holder is that raw vector; `$load_state_dict` on the restored module rebuilds the module
   from it (revive_module). Serializing never fails because of this: no description, no state. */
static Rbyte skel_byte = 0;
static R_xlen_t skel_length(SEXP x) { (void)x; return 0; }
static void *skel_dataptr(SEXP x, Rboolean writeable) { (void)x; (void)writeable; return &skel_byte; }
static const void *skel_dataptr_or_null(SEXP x) { (void)x; return &skel_byte; }

static SEXP skel_state(SEXP x) {
    SEXP p = R_altrep_data1(x);
    if (TYPEOF(p) != EXTPTRSXP || bridge_state != 1 || !py_skeleton || !Py_IsInitialized()) return NULL;
    PyObject *o = (PyObject *)R_ExternalPtrAddr(p);
    if (!o) return NULL;
    char *buf = NULL;
    Py_ssize_t len = 0;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *r = PyObject_CallOneArg(py_skeleton, o);
    if (r && PyBytes_Check(r) && (len = PyBytes_GET_SIZE(r)) > 0 && (buf = malloc(len)))
        memcpy(buf, PyBytes_AS_STRING(r), len);
    Py_XDECREF(r);
    PyErr_Clear();
    PyGILState_Release(g);
    if (!buf) return NULL;
    SEXP out = Rf_allocVector(RAWSXP, len);  /* no GIL held by this frame: an R error may jump from here */
    memcpy(RAW(out), buf, len);
    free(buf);
    return out;
}

static SEXP skel_unserialize(SEXP cls, SEXP state) { (void)cls; return state; }

/* A Python str as an R string; R's strings cannot hold NUL (mkChar would raise an R error). */
static SEXP py_charsxp(PyObject *o) {
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(o, &len);
    if (!s) return NULL;
    if (memchr(s, 0, len)) {
        PyErr_SetString(PyExc_ValueError, "strings containing NUL (\\0) cannot be passed to R");
        return NULL;
    }
    if (len > INT_MAX) {
        PyErr_SetString(PyExc_ValueError, "the string is too long for R");
        return NULL;
    }
    return Rf_mkCharLenCE(s, (int)len, CE_UTF8);
}

static int is_scalar(PyObject *o, int *kind) {
    /* kind: 1 logical, 2 integer, 3 double, 4 string, 5 complex */
    if (PyBool_Check(o)) { *kind = 1; return 1; }
    if (PyLong_Check(o)) { *kind = 2; return 1; }
    if (PyFloat_Check(o)) { *kind = 3; return 1; }
    if (PyUnicode_Check(o)) { *kind = 4; return 1; }
    if (PyArray_IsScalar(o, Bool)) { *kind = 1; return 1; }
    if (PyArray_IsScalar(o, Integer)) { *kind = 2; return 1; }
    if (PyArray_IsScalar(o, Floating)) { *kind = 3; return 1; }
    if (PyComplex_Check(o) || PyArray_IsScalar(o, ComplexFloating)) { *kind = 5; return 1; }
    return 0;
}

static SEXP scalar_vector(PyObject *seq, int kind) {
    /* a list/tuple of scalars as an atomic vector; integers that do not fit R's int become doubles */
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    if (kind == 2) {
        for (Py_ssize_t i = 0; i < n; i++) {
            int overflow = 0;
            long long v = PyLong_AsLongLongAndOverflow(items[i], &overflow);
            if (v == -1 && PyErr_Occurred()) return NULL;
            if (overflow || v > INT_MAX || v <= INT_MIN) { kind = 3; break; }
        }
    }
    SEXPTYPE t = kind == 1 ? LGLSXP : kind == 2 ? INTSXP : kind == 3 ? REALSXP : kind == 5 ? CPLXSXP : STRSXP;
    SEXP out = PROTECT(Rf_allocVector(t, n));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = items[i];
        if (kind == 5) {
            Py_complex c = PyComplex_AsCComplex(it);
            if (c.real == -1.0 && PyErr_Occurred()) { UNPROTECT(1); return NULL; }
            COMPLEX(out)[i].r = c.real;
            COMPLEX(out)[i].i = c.imag;
        } else if (kind == 1) LOGICAL(out)[i] = PyObject_IsTrue(it);
        else if (kind == 2) INTEGER(out)[i] = (int)PyLong_AsLong(it);
        else if (kind == 3) {
            double d = PyFloat_AsDouble(it);
            if (d == -1.0 && PyErr_Occurred()) { UNPROTECT(1); return NULL; }
            REAL(out)[i] = d;
        } else {
            SEXP c = py_charsxp(it);
            if (!c) { UNPROTECT(1); return NULL; }
            SET_STRING_ELT(out, i, c);
        }
    }
    UNPROTECT(1);
    return out;
}

static SEXP py_array_to_r(PyArrayObject *a) {
    int t = PyArray_TYPE(a);
    int target;
    SEXPTYPE rt;
    if (t == NPY_BOOL) { target = NPY_BOOL; rt = LGLSXP; }
    else if (t == NPY_UINT8) { target = NPY_UINT8; rt = RAWSXP; }  /* Byte tensors read back as raw, as R torch */
    else if (PyTypeNum_ISINTEGER(t)) {
        target = NPY_INT32;
        rt = INTSXP;
        if (PyArray_ITEMSIZE(a) > 4 || t == NPY_UINT32) {
            /* R integers are 32-bit: values that do not fit make the vector double */
            PyArrayObject *w = (PyArrayObject *)PyArray_FromAny(
                (PyObject *)a, PyArray_DescrFromType(t == NPY_UINT64 ? NPY_UINT64 : NPY_INT64), 0, 0,
                NPY_ARRAY_CARRAY_RO | NPY_ARRAY_FORCECAST, NULL);
            if (!w) return NULL;
            npy_intp n = PyArray_SIZE(w);
            int fits = 1;
            if (t == NPY_UINT64) {
                const npy_uint64 *d = PyArray_DATA(w);
                for (npy_intp i = 0; i < n && fits; i++) fits = d[i] <= INT_MAX;
            } else {
                const npy_int64 *d = PyArray_DATA(w);
                for (npy_intp i = 0; i < n && fits; i++) fits = d[i] <= INT_MAX && d[i] > INT_MIN;
            }
            Py_DECREF(w);
            if (!fits) {
                target = NPY_FLOAT64;
                rt = REALSXP;
                /* as R torch: the values stay exact only up to 2^53; as.integer64() keeps all 64 bits */
                Rf_warning("int64 values do not fit R's 32-bit integers: converted to double (use "
                           "as.integer64() for exact values)");
            }
        }
    } else if (PyTypeNum_ISFLOAT(t)) { target = NPY_FLOAT64; rt = REALSXP; }
    else if (PyTypeNum_ISCOMPLEX(t)) { target = NPY_COMPLEX128; rt = CPLXSXP; }
    else {
        PyErr_Format(PyExc_TypeError, "cannot convert a numpy array of dtype %s to R",
                     PyArray_DESCR(a)->typeobj->tp_name);
        return NULL;
    }
    /* the R vector first: if R cannot allocate it, its error leaves no Python temporary behind */
    npy_intp n = PyArray_SIZE(a);
    int nd = PyArray_NDIM(a);
    SEXP out = PROTECT(Rf_allocVector(rt, n));
    SEXP dim = R_NilValue;
    if (nd >= 2) {
        dim = PROTECT(Rf_allocVector(INTSXP, nd));
        for (int i = 0; i < nd; i++) INTEGER(dim)[i] = (int)PyArray_DIM(a, i);
        Rf_setAttrib(out, R_DimSymbol, dim);
        UNPROTECT(1);
    }
    PyArrayObject *f = (PyArrayObject *)PyArray_FromAny(
        (PyObject *)a, PyArray_DescrFromType(target), 0, 0,
        NPY_ARRAY_F_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_FORCECAST, NULL);
    if (!f) { UNPROTECT(1); return NULL; }
    if (rt == REALSXP) memcpy(REAL(out), PyArray_DATA(f), n * sizeof(double));
    else if (rt == CPLXSXP) memcpy(COMPLEX(out), PyArray_DATA(f), n * sizeof(Rcomplex));
    else if (rt == INTSXP) memcpy(INTEGER(out), PyArray_DATA(f), n * sizeof(int));
    else if (rt == RAWSXP) memcpy(RAW(out), PyArray_DATA(f), n);
    else {
        const npy_bool *d = PyArray_DATA(f);
        int *l = LOGICAL(out);
        for (npy_intp i = 0; i < n; i++) l[i] = d[i] != 0;
    }
    Py_DECREF(f);
    UNPROTECT(1);
    return out;
}

static SEXP py2r_in(PyObject *o) {
    if (py2r_depth >= MAX_NESTING) {
        PyErr_Format(PyExc_ValueError, "values nested more than %d levels deep cannot be passed to R",
                     MAX_NESTING);
        return NULL;
    }
    py2r_depth++;
    SEXP r = py2r(o);
    py2r_depth--;
    return r;
}

/* py2r of a result, under r_try: R allocation errors become RUnwind. */
static SEXP py2r_body(void *o) { return py2r((PyObject *)o); }

static SEXP py2r_top(PyObject *o) {
    if (o == Py_None) return R_NilValue;
    int depth = py2r_depth;
    SEXP r = r_try(py2r_body, o);
    py2r_depth = depth;  /* a jump skipped the decrements */
    return r;
}

/* Returns NULL with a Python exception set on failure. */
static SEXP py2r(PyObject *o) {
    if (o == Py_None) return R_NilValue;
    if (tensor_type && Py_TYPE(o) == tensor_type) return wrap_object(o);  /* the common case first */
    int kind;
    if (is_scalar(o, &kind)) {
        switch (kind) {
        case 1: return Rf_ScalarLogical(PyObject_IsTrue(o));
        case 2: {
            int overflow = 0;
            long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
            if (v == -1 && PyErr_Occurred()) return NULL;
            if (overflow || v > INT_MAX || v <= INT_MIN) {
                double d = PyFloat_AsDouble(o);
                if (d == -1.0 && PyErr_Occurred()) return NULL;
                return Rf_ScalarReal(d);
            }
            return Rf_ScalarInteger((int)v);
        }
        case 3: {
            double d = PyFloat_AsDouble(o);
            if (d == -1.0 && PyErr_Occurred()) return NULL;
            return Rf_ScalarReal(d);
        }
        case 5: {
            Py_complex c = PyComplex_AsCComplex(o);
            if (c.real == -1.0 && PyErr_Occurred()) return NULL;
            Rcomplex rc;
            rc.r = c.real;
            rc.i = c.imag;
            return Rf_ScalarComplex(rc);
        }
        default: {
            SEXP c = py_charsxp(o);
            return c ? Rf_ScalarString(c) : NULL;
        }
        }
    }
    if (Py_TYPE(o) == &RObjectType) return ((RObject *)o)->sexp;
    if (PyWeakref_CheckRefExact(o)) return wrap_weak(o);
    if (PyArray_Check(o)) {
        PyArrayObject *a = (PyArrayObject *)o;
        if (PyArray_NDIM(a) == 0) {
            PyObject *s = PyArray_ToScalar(PyArray_DATA(a), a);
            if (!s) return NULL;
            SEXP r = is_scalar(s, &kind) ? py2r(s) : NULL;
            if (!r && !PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "cannot convert this 0-d array to R");
            Py_DECREF(s);
            return r;
        }
        return py_array_to_r(a);
    }
    if (PyTuple_Check(o) && PyTuple_GET_SIZE(o) == 0) return Rf_allocVector(INTSXP, 0);  /* a 0-d shape */
    if (PyTuple_Check(o) && !PyTuple_CheckExact(o)) {
        /* a namedtuple (its type's _fields: one name per element) -> a named list, as R torch's
           list(output = , loss = ). The type holds _fields, so it is used borrowed: no reference is held
           across R allocations, which may jump out (r_try). */
        PyObject *fields = PyObject_GetAttrString((PyObject *)Py_TYPE(o), "_fields");
        if (!fields) PyErr_Clear();
        else Py_DECREF(fields);
        Py_ssize_t n = PyTuple_GET_SIZE(o);
        int named = fields && PyTuple_Check(fields) && PyTuple_GET_SIZE(fields) == n;
        for (Py_ssize_t i = 0; named && i < n; i++) named = PyUnicode_Check(PyTuple_GET_ITEM(fields, i));
        if (named) {
            SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
            SEXP names = PROTECT(Rf_allocVector(STRSXP, n));
            for (Py_ssize_t i = 0; i < n; i++) {
                SEXP kc = py_charsxp(PyTuple_GET_ITEM(fields, i));
                if (!kc) { UNPROTECT(2); return NULL; }
                SET_STRING_ELT(names, i, kc);  /* protected before the next allocation */
                SEXP v = py2r_in(PyTuple_GET_ITEM(o, i));
                if (!v) { UNPROTECT(2); return NULL; }
                SET_VECTOR_ELT(out, i, v);
            }
            Rf_setAttrib(out, R_NamesSymbol, names);
            UNPROTECT(2);
            return out;
        }
    }
    if (PyList_Check(o) || PyTuple_Check(o)) {
        /* no new references here: an R allocation error may jump out (r_try) */
        PyObject *seq = o;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        PyObject **items = PySequence_Fast_ITEMS(seq);
        /* homogeneous scalars (ints and floats mix as double) -> atomic vector; else a list */
        int k0 = 0, atomic = n > 0;
        for (Py_ssize_t i = 0; i < n && atomic; i++) {
            int k;
            if (!is_scalar(items[i], &k)) atomic = 0;
            else if (i == 0) k0 = k;
            else if (k != k0) {
                if ((k == 2 || k == 3) && (k0 == 2 || k0 == 3)) k0 = 3;
                else atomic = 0;
            }
        }
        SEXP out;
        if (atomic) out = scalar_vector(seq, k0);
        else {
            out = PROTECT(Rf_allocVector(VECSXP, n));
            for (Py_ssize_t i = 0; i < n; i++) {
                SEXP v = py2r_in(items[i]);
                if (!v) { UNPROTECT(1); return NULL; }
                SET_VECTOR_ELT(out, i, v);
            }
            UNPROTECT(1);
        }
        return out;
    }
    if (PyDict_Check(o)) {
        Py_ssize_t n = PyDict_GET_SIZE(o), pos = 0, i = 0;
        SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
        SEXP names = PROTECT(Rf_allocVector(STRSXP, n));
        PyObject *k, *v;
        while (PyDict_Next(o, &pos, &k, &v)) {
            if (i >= n) break;  /* the dict grew meanwhile */
            PyObject *ks = PyObject_Str(k);
            SEXP kc = ks ? py_charsxp(ks) : NULL;
            Py_XDECREF(ks);
            if (!kc) { UNPROTECT(2); return NULL; }
            SET_STRING_ELT(names, i, kc);
            SEXP rv = py2r_in(v);
            if (!rv) { UNPROTECT(2); return NULL; }
            SET_VECTOR_ELT(out, i, rv);
            i++;
        }
        Rf_setAttrib(out, R_NamesSymbol, names);
        UNPROTECT(2);
        return out;
    }
    return wrap_object(o);
}

/* ------------------------------------------------------------------------------------------------ */
/* Errors, warnings, interrupts                                                                      */

#define ENTER() PyGILState_STATE gil__ = PyGILState_Ensure(); in_python++; current_fn = NULL
#define LEAVE() do { in_python--; PyGILState_Release(gil__); } while (0)

/* stop() with a condition of class c(cls, "error", "condition") and no call (as Rf_errorcall(R_NilValue)). */
static void NORET raise_classed(const char *cls, const char *msg) {
    SEXP cond = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(cond, 0, Rf_ScalarString(Rf_mkCharCE(msg, CE_UTF8)));
    SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
    SET_STRING_ELT(names, 0, Rf_mkChar("message"));
    SET_STRING_ELT(names, 1, Rf_mkChar("call"));
    Rf_setAttrib(cond, R_NamesSymbol, names);
    SEXP klass = PROTECT(Rf_allocVector(STRSXP, 3));
    SET_STRING_ELT(klass, 0, Rf_mkChar(cls));
    SET_STRING_ELT(klass, 1, Rf_mkChar("error"));
    SET_STRING_ELT(klass, 2, Rf_mkChar("condition"));
    Rf_setAttrib(cond, R_ClassSymbol, klass);
    if (ns_env) {  /* .rt_raise() sets the condition's call to the R function that called us */
        SEXP rcls = PROTECT(Rf_mkString(cls));
        SEXP rmsg = PROTECT(Rf_ScalarString(Rf_mkCharCE(msg, CE_UTF8)));
        SEXP rcall = PROTECT(Rf_lang3(Rf_install(".rt_raise"), rcls, rmsg));
        Rf_eval(rcall, ns_env);
        UNPROTECT(3);
    }
    SEXP call = PROTECT(Rf_lang2(Rf_install("stop"), cond));
    Rf_eval(call, R_BaseEnv);
    UNPROTECT(4);
    Rf_error("%s", msg);  /* not reached: stop() does not return */
}

/* Copies the pending Python exception's message, drops it (tracebacks hold frames), releases the GIL
   and raises an R error (or an R interrupt for KeyboardInterrupt); for RUnwind, resumes R's non-local
   exit instead. Never returns. */
static Py_ssize_t take_warnings(char **bufp, size_t *usedp);
static void emit_warnings(char *buf, size_t used, Py_ssize_t nw);

static void NORET fail(PyGILState_STATE g) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (type && py_unwind && PyErr_GivenExceptionMatches(type, py_unwind)) {
        SEXP token = unwind_token(value);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        in_python--;
        PyGILState_Release(g);
        if (token) R_ContinueUnwind(token);  /* reads the token before running any R code */
        Rf_errorcall(R_NilValue, "torch bridge: a non-local exit of R code was lost");
    }
    int interrupt = type && PyErr_GivenExceptionMatches(type, PyExc_KeyboardInterrupt);
    /* R torch's condition classes (runtime_error, value_error, ...), so expect_error(class =) works */
    const char *cls = NULL;
    if (type) {
        if (PyErr_GivenExceptionMatches(type, PyExc_NotImplementedError)) cls = "not_implemented_error";
        else if (PyErr_GivenExceptionMatches(type, PyExc_RuntimeError)) cls = "runtime_error";
        else if (PyErr_GivenExceptionMatches(type, PyExc_ValueError)) cls = "value_error";
        else if (PyErr_GivenExceptionMatches(type, PyExc_TypeError)) cls = "type_error";
        else if (PyErr_GivenExceptionMatches(type, PyExc_IndexError)) cls = "index_error";
    }
    errbuf[0] = 0;
    if (type && PyErr_GivenExceptionMatches(type, PyExc_RecursionError)) {
        /* no Python call now: the stack is at its limit */
        snprintf(errbuf, sizeof errbuf, "evaluation nested too deeply: infinite recursion / options(expressions=)?");
    } else if (value) {
        /* Python's words in R's terms (_hooks.error_text) */
        PyObject *s = py_error_text ? PyObject_CallFunctionObjArgs(py_error_text, value,
                                                                   current_fn ? current_fn : Py_None, NULL)
                                    : NULL;
        if (!s || !PyUnicode_Check(s)) { Py_XDECREF(s); PyErr_Clear(); s = PyObject_Str(value); }
        const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
        if (m && *m) snprintf(errbuf, sizeof errbuf, "%s", m);
        Py_XDECREF(s);
        PyErr_Clear();
    }
    current_fn = NULL;
    if (!errbuf[0] && type) snprintf(errbuf, sizeof errbuf, "%s", ((PyTypeObject *)type)->tp_name);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    char *wbuf;
    size_t wused;
    Py_ssize_t nw = take_warnings(&wbuf, &wused);  /* warnings raised before the error reach R first */
    in_python--;
    PyGILState_Release(g);
    emit_warnings(wbuf, wused, nw);
    if (interrupt) {
        Rf_onintr();
        Rf_errorcall(R_NilValue, "interrupted");  /* only reached when interrupts are suspended */
    }
    /* a classed condition (R torch's classes) or a plain error; both name the calling R function, as R torch's
       errors do ("Error in torch_mm(x, y) : mat1 and mat2 shapes ..."): Rf_error, not errorcall(R_NilValue),
       skips the .Call/.External context */
    if (cls) raise_classed(cls, errbuf[0] ? errbuf : "unknown Python error");
    Rf_error("%s", errbuf[0] ? errbuf : "unknown Python error");
}

/* After a successful call: pending Ctrl-C, Python warnings (shown as R warnings after the GIL is
   released: warn = 2 turns them into errors, and a handler may run R code). The messages are copied to
   C memory under the GIL and become R strings only after it is released. */
/* The pending Python warnings' messages, copied to C memory (under the GIL) and cleared: returns their
   number; *buf holds them NUL-separated (free() it), NULL when there are none. */
static Py_ssize_t take_warnings(char **bufp, size_t *usedp) {
    Py_ssize_t nw = py_warnings ? PyList_GET_SIZE(py_warnings) : 0;
    char *buf = NULL;
    size_t used = 0;
    if (nw > 0) {
        size_t total = 0;
        for (Py_ssize_t i = 0; i < nw; i++) {
            Py_ssize_t len = 0;
            if (!PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(py_warnings, i), &len)) PyErr_Clear();
            total += (size_t)len + 1;
        }
        buf = malloc(total + 1);
        for (Py_ssize_t i = 0; buf && i < nw; i++) {
            Py_ssize_t len = 0;
            const char *m = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(py_warnings, i), &len);
            if (!m) { PyErr_Clear(); m = ""; len = 0; }
            memcpy(buf + used, m, len);
            used += len;
            buf[used++] = 0;  /* a NUL inside a message ends it early: R strings cannot hold one */
        }
        PyList_SetSlice(py_warnings, 0, nw, NULL);
        PyErr_Clear();
    }
    *bufp = buf;
    *usedp = used;
    return buf ? nw : 0;
}

/* Signals the taken warnings as R warnings (after the GIL is released: a handler may run R code). */
static void emit_warnings(char *buf, size_t used, Py_ssize_t nw) {
    if (!buf) return;
    SEXP warns = PROTECT(Rf_allocVector(STRSXP, nw));
    size_t off = 0;
    for (Py_ssize_t i = 0; i < nw && off < used; i++) {
        SET_STRING_ELT(warns, i, Rf_mkCharCE(buf + off, CE_UTF8));
        off += strlen(buf + off) + 1;
    }
    free(buf);
    for (R_xlen_t i = 0; i < XLENGTH(warns); i++) {
        const char *w = CHAR(STRING_ELT(warns, i));
        if (w[0] == '\x01') {  /* an R message (_hooks.MESSAGE_MARK): base::message(text) */
            SEXP call = PROTECT(Rf_lang2(Rf_install("message"), Rf_ScalarString(Rf_mkCharCE(w + 1, CE_UTF8))));
            Rf_eval(call, R_BaseEnv);
            UNPROTECT(1);
        } else {
            Rf_warning("%s", w);  /* with the calling R function, as errors */
        }
    }
    UNPROTECT(1);
}

static SEXP finish(PyGILState_STATE g, SEXP result) {
    PROTECT(result);
    if (PyErr_CheckSignals() < 0) { UNPROTECT(1); fail(g); }
    char *buf;
    size_t used;
    Py_ssize_t nw = take_warnings(&buf, &used);
    in_python--;
    PyGILState_Release(g);
    emit_warnings(buf, used, nw);
    UNPROTECT(1);
    return result;
}

static void on_sigint(int sig) {
    got_sigint = 1;
    R_interrupts_pending = 1;
    if (in_python > 0) PyErr_SetInterruptEx(SIGINT);
}

static void install_sigint(void) {
    if (sigint_installed) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &prev_sigint);
    sigint_installed = 1;
}

static void restore_sigint(void) {
    if (!sigint_installed) return;
    sigaction(SIGINT, &prev_sigint, NULL);
    sigint_installed = 0;
}

/* R's garbage collector knows nothing of Python's memory: tensors released only by finalizers could
   pile up between R collections. Every 1024 new pointers, read the resident set size; past a growth of
   max(64 MB, the size after the last collection we triggered), run R's gc. (glibc's mallinfo2 walks the
   free lists and cost 10% of a small op.) */
static long resident_mb(void) {
    static int fd = -2;
    if (fd == -2) fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    long pages_total, pages_resident;
    if (sscanf(buf, "%ld %ld", &pages_total, &pages_resident) != 2) return -1;
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

static long gc_base_mb = 0;

static size_t bytes_since_gc = 0;
#define GC_BYTES ((size_t)256 << 20)

/* Tensor data handed to R since the last collection (views count again: a gc too many is cheap). */
static void count_bytes(PyObject *o) {
    if (!tensor_type || Py_TYPE(o) != tensor_type) return;
    PyObject *d = PyObject_GetAttr(o, tensor_data_attr);
    if (!d) { PyErr_Clear(); return; }
    if (PyArray_Check(d)) bytes_since_gc += (size_t)PyArray_NBYTES((PyArrayObject *)d);
    Py_DECREF(d);
}

/* ------------------------------------------------------------------------------------------------ */
/* Cycles through both heaps.                                                                        */
/*                                                                                                   */
/* A tensor whose gradient hook is an R closure that captured the tensor (x$register_hook(function(g) */
/* ...) inside a function) is a cycle neither collector can see: Python holds the closure (an RObject */
/* in R's precious list, a root for R), the closure's environment holds an external pointer, and the  */
/* pointer holds the tensor (a reference from outside for Python). cross_collect() finds such cycles: */
/*  1. trial: R's collector runs with the closures Python holds held only weakly (their slot in the   */
/*     precious list emptied; a weak reference each, whose finalizer puts the value back); external   */
/*     pointers R cannot reach then are noted by their finalizer instead of releasing their object;   */
/*  2. for each held R value that R could not reach, the pointers R cannot reach that it leads to are  */
/*     edges for Python's collector: the RObject refers to a proxy per pointer, which refers to the    */
/*     pointer's object in the pointer's stead; Python's collector runs and frees what nothing reaches */
/*     (clearing an RObject lets R have its value back);                                             */
/*  3. the pointers get their finalizers back and R collects, freeing what Python let go.             */
/* Other finalizers of R objects reachable only from values Python holds may run during the trial.   */

typedef struct {
    PyObject_HEAD
    PyObject *target;  /* borrowed: the external pointer's reference, for the collector's accounting */
} PtrProxy;

static int proxy_traverse(PtrProxy *self, visitproc visit, void *arg) {
    Py_VISIT(self->target);
    return 0;
}

static int proxy_clear(PtrProxy *self) {
    self->target = NULL;
    return 0;
}

static void proxy_dealloc(PtrProxy *self) {
    PyObject_GC_UnTrack(self);
    PyObject_GC_Del(self);
}

static PyTypeObject PtrProxyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rtorch_py.bridge._rnative.PtrProxy",
    .tp_basicsize = sizeof(PtrProxy),
    .tp_dealloc = (destructor)proxy_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)proxy_traverse,
    .tp_clear = (inquiry)proxy_clear,
    .tp_doc = "An R external pointer's reference to its object, during a cross collection.",
};

/* A set of SEXPs (open addressing), with a value per key. */
typedef struct { SEXP *keys; void **vals; size_t cap, n; } PtrSet;

static size_t pset_slot(const PtrSet *st, SEXP k) {
    size_t i = (((uintptr_t)k >> 4) * 0x9E3779B97F4A7C15ULL) & (st->cap - 1);
    while (st->keys[i] && st->keys[i] != k) i = (i + 1) & (st->cap - 1);
    return i;
}

static int pset_init(PtrSet *st, size_t want) {
    st->cap = 64;
    while (st->cap < want * 2) st->cap *= 2;
    st->n = 0;
    st->keys = calloc(st->cap, sizeof(SEXP));
    st->vals = calloc(st->cap, sizeof(void *));
    return st->keys && st->vals ? 0 : -1;
}

static void pset_free(PtrSet *st) { free(st->keys); free(st->vals); st->keys = NULL; st->vals = NULL; }

/* 1 if added, 0 if present, -1 on no memory */
static int pset_add(PtrSet *st, SEXP k, void *v) {
    if ((st->n + 1) * 2 > st->cap) {
        PtrSet big;
        if (pset_init(&big, st->cap) < 0) return -1;
        for (size_t i = 0; i < st->cap; i++)
            if (st->keys[i]) {
                size_t j = pset_slot(&big, st->keys[i]);
                big.keys[j] = st->keys[i];
                big.vals[j] = st->vals[i];
                big.n++;
            }
        pset_free(st);
        *st = big;
    }
    size_t i = pset_slot(st, k);
    if (st->keys[i]) return 0;
    st->keys[i] = k;
    st->vals[i] = v;
    st->n++;
    return 1;
}

static void **pset_get(const PtrSet *st, SEXP k) {
    size_t i = pset_slot(st, k);
    return st->keys[i] ? &st->vals[i] : NULL;
}

static SEXP trial_keys = NULL;
static R_xlen_t n_trial_keys = 0;
static int crossing = 0;
static long robj_cross_mark = 1000;

/* The finalizer of a trial key (an external pointer protecting a held value): keeps the value alive until
   its token holds it again (finalizers may allocate, and so collect, before that). */
static void trial_key_fin(SEXP key) {
    if (trial_keys && n_trial_keys < XLENGTH(trial_keys))
        SET_VECTOR_ELT(trial_keys, n_trial_keys++, R_ExternalPtrProtected(key));
}

static int stop_env(SEXP e) {
    return e == R_GlobalEnv || e == R_BaseEnv || e == R_EmptyEnv || e == R_BaseNamespace ||
           R_IsNamespaceEnv(e) || R_IsPackageEnv(e);
}

/* The external pointers in `unreach` that R leads to from x (not through global, base, namespace or package
   environments: R's roots, whose pointers R reaches anyway). Appends proxies to r->edges. -1: no memory. */
static int walk_from(RObject *r, PtrSet *unreach) {
    PtrSet seen;
    if (pset_init(&seen, 256) < 0) return -1;
    size_t cap = 256, top = 0;
    SEXP *stack = malloc(cap * sizeof(SEXP));
    Py_ssize_t ecap = 0;
    int rc = 0;
    if (!stack) { pset_free(&seen); return -1; }
    stack[top++] = r->sexp;
#define PUSH(v) do { SEXP v__ = (v); if (v__ != R_NilValue && v__ != NULL) { \
        if (top == cap) { SEXP *ns = realloc(stack, 2 * cap * sizeof(SEXP)); if (!ns) { rc = -1; goto out; } \
                          stack = ns; cap *= 2; } stack[top++] = v__; } } while (0)
    while (top) {
        SEXP x = stack[--top];
        int t = TYPEOF(x);
        if (t == NILSXP || t == SYMSXP || t == CHARSXP || t == BUILTINSXP || t == SPECIALSXP) continue;
        int added = pset_add(&seen, x, NULL);
        if (added < 0) { rc = -1; goto out; }
        if (!added) continue;
        PUSH(ATTRIB(x));
        switch (t) {
        case EXTPTRSXP: {
            void **slot = pset_get(unreach, x);
            if (slot) {
                if (r->nedges == ecap) {
                    ecap = ecap ? 2 * ecap : 8;
                    PyObject **ne = PyMem_Realloc(r->edges, ecap * sizeof(PyObject *));
                    if (!ne) { rc = -1; goto out; }
                    r->edges = ne;
                }
                /* only RObjects own proxies (the set's pointer is borrowed): a proxy is alive exactly when
                   some RObject that leads to the pointer is */
                PtrProxy *px = *slot;
                if (!px) {
                    px = PyObject_GC_New(PtrProxy, &PtrProxyType);
                    if (!px) { rc = -1; goto out; }
                    px->target = (PyObject *)R_ExternalPtrAddr(x);
                    PyObject_GC_Track(px);
                    *slot = px;
                } else {
                    Py_INCREF(px);
                }
                r->edges[r->nedges++] = (PyObject *)px;
            }
            PUSH(R_ExternalPtrProtected(x));
            break;
        }
        case LISTSXP: case LANGSXP: case DOTSXP:
            PUSH(CAR(x)); PUSH(CDR(x)); PUSH(TAG(x));
            break;
        case CLOSXP:
            PUSH(FORMALS(x)); PUSH(CLOENV(x));
            if (TYPEOF(BODY(x)) != BCODESXP) PUSH(BODY(x));
            break;
        case ENVSXP:
            if (stop_env(x)) break;
            PUSH(FRAME(x)); PUSH(HASHTAB(x)); PUSH(ENCLOS(x));
            break;
        case PROMSXP:
            PUSH(PRVALUE(x)); PUSH(PRCODE(x)); PUSH(PRENV(x));
            break;
        case VECSXP: case EXPRSXP: {
            R_xlen_t n = XLENGTH(x);
            for (R_xlen_t i = 0; i < n; i++) PUSH(VECTOR_ELT(x, i));
            break;
        }
        default:
            break;
        }
    }
#undef PUSH
out:
    free(stack);
    pset_free(&seen);
    return rc;
}

static void cross_collect(void) {
    if (crossing || !Py_IsInitialized()) return;
    crossing = 1;
    int n = 0;
    for (RObject *r = robj_first; r; r = r->next) if (r->token) n++;
    RObject **cands = n ? malloc(n * sizeof(RObject *)) : NULL;
    if (!cands) { crossing = 0; return; }
    int k = 0;
    for (RObject *r = robj_first; r && k < n; r = r->next) if (r->token) cands[k++] = r;
    n = k;
    /* 1. the trial */
    trial_keys = Rf_allocVector(VECSXP, n);
    R_PreserveObject(trial_keys);
    n_trial_keys = 0;
    trial_ptrs = Rf_cons(R_NilValue, R_NilValue);
    R_PreserveObject(trial_ptrs);
    /* R's weak references take environments and external pointers as keys: a key per value, an external
       pointer protecting it, referenced by nothing else (so always finalized, keeping the value) */
    for (int i = 0; i < n; i++) {
        SEXP key = PROTECT(R_MakeExternalPtr(NULL, R_NilValue, cands[i]->sexp));
        R_MakeWeakRefC(key, R_NilValue, trial_key_fin, FALSE);
        UNPROTECT(1);
    }
    for (int i = 0; i < n; i++) SET_TAG(cands[i]->token, R_NilValue);
    trial_mode = 1;
    R_gc();
    trial_mode = 0;
    for (int i = 0; i < n; i++) SET_TAG(cands[i]->token, cands[i]->sexp);
    SEXP keys = trial_keys;
    trial_keys = NULL;  /* a late finalizer finds nothing to fill */

    /* 2. Python's collector, with the edges R leads to */
    PyGILState_STATE g = PyGILState_Ensure();
    /* A held value R reaches from its roots leads only to pointers R reaches: walking from every held value
       finds the unreachable pointers' edges from the unreachable values. */
    PtrSet unreach;
    int ok = pset_init(&unreach, 256) == 0;
    for (SEXP c = CDR(trial_ptrs); ok && c != R_NilValue; c = CDR(c))
        if (R_ExternalPtrTag(CAR(c)) == sym_tag && R_ExternalPtrAddr(CAR(c)))
            ok = pset_add(&unreach, CAR(c), NULL) >= 0;
    if (ok && unreach.n > 0) {
        for (int i = 0; ok && i < n; i++)
            if (cands[i]->token) ok = walk_from(cands[i], &unreach) == 0;
        if (ok) PyGC_Collect();
        /* RObjects may have gone: walk the live list again */
        for (RObject *r = robj_first; r; r = r->next) robject_drop_edges(r);
    } else {
        for (RObject *r = robj_first; r; r = r->next) robject_drop_edges(r);
    }
    PyErr_Clear();
    pset_free(&unreach);
    PyGILState_Release(g);
    free(cands);

    /* 3. finalizers back, then R frees what is garbage now */
    for (SEXP c = CDR(trial_ptrs); c != R_NilValue; c = CDR(c)) R_RegisterCFinalizerEx(CAR(c), ptr_finalizer, FALSE);
    R_ReleaseObject(trial_ptrs);
    R_ReleaseObject(keys);
    trial_ptrs = NULL;
    R_gc();
    robj_cross_mark = n_robj_live + (n_robj_live > 1000 ? n_robj_live : 1000);
    crossing = 0;
}

static void maybe_gc(void) {
    if (bytes_since_gc > GC_BYTES) {
        bytes_since_gc = 0;
        wraps_since_check = 0;
        R_gc();
        gc_base_mb = resident_mb();
        return;
    }
    if (wraps_since_check < 1024) return;
    wraps_since_check = 0;
    long rss = resident_mb();
    if (rss < 0) return;
    if (gc_base_mb == 0) gc_base_mb = rss;
    long slack = gc_base_mb > 64 ? gc_base_mb : 64;
    if (rss > gc_base_mb + slack) {
        R_gc();
        bytes_since_gc = 0;
        gc_base_mb = resident_mb();
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* Starting or attaching to Python                                                                   */

static PyObject *hook(PyObject *api, const char *name) {
    PyObject *v = PyDict_GetItemString(api, name);
    if (!v) {
        PyErr_Format(PyExc_RuntimeError, "rtorch_py.bridge._hooks.c_api() lacks '%s'", name);
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

static int setup_python_side(void) {
    /* Python-level SIGINT handler, so that PyErr_SetInterruptEx raises KeyboardInterrupt; the OS-level
       handler is ours (installed after this). Only the main thread may set it. */
    if (we_started_python) {
        PyObject *r = PyRun_String(
            "import signal as _s\n_s.signal(_s.SIGINT, _s.default_int_handler)\ndel _s\n",
            Py_file_input, PyEval_GetBuiltins(), NULL);
        if (!r) PyErr_Clear();
        Py_XDECREF(r);
    }
    if (_import_array() < 0) return -1;
    if (PyType_Ready(&RObjectType) < 0) return -1;
    if (PyType_Ready(&UnwindSlotType) < 0) return -1;
    if (PyType_Ready(&PtrProxyType) < 0) return -1;
    py_unwind = PyErr_NewExceptionWithDoc(
        "rtorch_py.bridge._rnative.RUnwind",
        "R code that Python called left by a non-local exit (an error, return(), break, a handled "
        "condition); the bridge resumes it in R once Python's frames have finished. Do not catch it.",
        PyExc_BaseException, NULL);
    if (!py_unwind) return -1;
    PyObject *mod = PyModule_Create(&native_module);
    if (!mod) return -1;
    Py_INCREF(&RObjectType);
    PyModule_AddObject(mod, "RObject", (PyObject *)&RObjectType);
    Py_INCREF(py_unwind);
    PyModule_AddObject(mod, "RUnwind", py_unwind);
    PyObject *modules = PyImport_GetModuleDict();
    if (PyDict_SetItemString(modules, "rtorch_py.bridge._rnative", mod) < 0) { Py_DECREF(mod); return -1; }
    Py_DECREF(mod);
    PyObject *hooks = PyImport_ImportModule("rtorch_py.bridge._hooks");
    if (!hooks) return -1;
    PyObject *api = PyObject_CallMethod(hooks, "c_api", "i", we_started_python);
    Py_DECREF(hooks);
    if (!api) return -1;
    if (!(py_dispatch = hook(api, "dispatch")) || !(py_dollar = hook(api, "dollar")) ||
        !(py_setattr = hook(api, "setattr")) || !(py_rclass = hook(api, "r_class")) ||
        !(py_method = hook(api, "METHOD")) || !(py_method_invisible = hook(api, "METHOD_INVISIBLE")) ||
        !(py_missing = hook(api, "MISSING")) ||
        !(py_warnings = hook(api, "warnings")) || !(py_rerror = hook(api, "RError")) ||
        !(py_signature = hook(api, "signature_from_formals")) ||
        !(py_reject_na = hook(api, "reject_na")) || !(py_error_text = hook(api, "error_text")) ||
        !(py_skeleton = hook(api, "module_skeleton")) || !(py_revive = hook(api, "module_from_skeleton"))) {
        Py_DECREF(api);
        return -1;
    }
    PyObject *tt = PyDict_GetItemString(api, "tensor_type");
    if (tt && PyType_Check(tt)) {
        Py_INCREF(tt);
        tensor_type = (PyTypeObject *)tt;
        tensor_data_attr = PyUnicode_InternFromString("_data");
        tensor_param_attr = PyUnicode_InternFromString("_is_param");
    }
    Py_DECREF(api);
    if (!PyList_Check(py_warnings)) {
        PyErr_SetString(PyExc_TypeError, "c_api()['warnings'] must be a list");
        return -1;
    }
    return 0;
}

static void capture_start_error(void) {
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyObject *s = v ? PyObject_Str(v) : NULL;
    const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
    const char *py = getenv("RTORCH_PYTHON");
    snprintf(start_error, sizeof start_error,
             "could not load rtorch_py into Python %s (%s): %s\n(RTORCH_PYTHON must name the project's "
             "Python: eval \"$(make -s r-env)\")",
             we_started_python ? (py && *py ? py : RTORCH_DEFAULT_PYTHON) : "(already running)",
             Py_GetVersion(), m ? m : "unknown error");
    Py_XDECREF(s); Py_XDECREF(t); Py_XDECREF(v); Py_XDECREF(tb);
    PyErr_Clear();
}

/* a namespace variable's value (lazy-loaded ones are promises) */
static SEXP ns_value(const char *name) {
    SEXP v = Rf_findVarInFrame(ns_env, Rf_install(name));
    if (TYPEOF(v) == PROMSXP) v = Rf_eval(v, ns_env);
    return v;
}

static void start_bridge(void) {
    if (bridge_state == 1) return;
    if (bridge_state == -1) Rf_error("%s", start_error);

    /* R-side constants first (may allocate; no Python state yet) */
    sym_tag = Rf_install("rtorch_py_object");
    sym_weak = Rf_install("rtorch_py_weak");
    sym_rt_py = Rf_install("rtorch_py");
    sym_colon = Rf_install(":");
    sym_dotdot = Rf_install("..");
    sym_N = Rf_install("N");
    sym_newaxis = Rf_install("newaxis");
    sym_module = Rf_install("module");
    sym_self = Rf_install("self");
    sym_enclos = Rf_install(".__enclos_env__");
    sym_clone = Rf_install("clone");
    SEXP nsname = PROTECT(Rf_mkString("torch"));
    ns_env = R_FindNamespace(nsname);
    UNPROTECT(1);
    R_PreserveObject(ns_env);
    precious = Rf_cons(R_NilValue, R_NilValue);
    R_PreserveObject(precious);
    fn_keep = Rf_allocVector(STRSXP, 64);
    R_PreserveObject(fn_keep);
    absent_marker = ns_value(".rt_absent");
    native_callm = ns_value("C_rt_callm");
    native_callobj = ns_value("C_rt_callobj");
    clone_fun = ns_value(".rt_module_clone");
    R_PreserveObject(clone_fun);
    if (absent_marker == R_UnboundValue || native_callm == R_UnboundValue ||
        native_callobj == R_UnboundValue)
        Rf_error("the torch namespace is incomplete (reinstall the shim)");
    dots_formals = Rf_cons(R_MissingArg, R_NilValue);
    R_PreserveObject(dots_formals);
    prim_external = Rf_findFun(Rf_install(".External"), R_BaseEnv);
    R_PreserveObject(prim_external);
    prim_invisible = Rf_findFun(Rf_install("invisible"), R_BaseEnv);
    R_PreserveObject(prim_invisible);
    SET_TAG(dots_formals, R_DotsSymbol);
    sym_x = Rf_install("x");
    sym_name = Rf_install("name");
    name_keep = Rf_allocVector(STRSXP, NAME_TAB / 2);
    R_PreserveObject(name_keep);
    frame_body = Rf_lang5(prim_external, native_callm, sym_x, sym_name, R_DotsSymbol);
    R_PreserveObject(frame_body);
    frame_body_invisible = Rf_lang2(prim_invisible, frame_body);
    R_PreserveObject(frame_body_invisible);
    str_subset = Rf_mkString("r_subset");
    R_PreserveObject(str_subset);
    str_subassign = Rf_mkString("r_subassign");
    R_PreserveObject(str_subassign);
    cls_default = Rf_mkString("py_object");
    R_PreserveObject(cls_default);
    MARK_NOT_MUTABLE(cls_default);
    cls_param = Rf_allocVector(STRSXP, 3);
    R_PreserveObject(cls_param);
    SET_STRING_ELT(cls_param, 0, Rf_mkChar("nn_parameter"));
    SET_STRING_ELT(cls_param, 1, Rf_mkChar("torch_tensor"));
    SET_STRING_ELT(cls_param, 2, Rf_mkChar("R7"));
    MARK_NOT_MUTABLE(cls_param);
    r_thread = pthread_self();
    unwind_reserve(64);

    if (!Py_IsInitialized()) {
        /* Rscript hosts. R loaded our .so (and libpython with it) privately: re-open libpython globally so
           that extension modules (numpy) resolve its symbols. */
        Dl_info info;
        if (dladdr((void *)&Py_InitializeFromConfig, &info) && info.dli_fname)
            dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
        const char *py = getenv("RTORCH_PYTHON");
        if (!py || !*py) py = RTORCH_DEFAULT_PYTHON;
        PyConfig config;
        PyConfig_InitPythonConfig(&config);
        config.install_signal_handlers = 0;
        config.parse_argv = 0;
        PyStatus st = PyConfig_SetBytesString(&config, &config.program_name, py);
        if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
        PyConfig_Clear(&config);
        if (PyStatus_Exception(st)) {
            snprintf(start_error, sizeof start_error, "could not start Python (%s): %s", py,
                     st.err_msg ? st.err_msg : "unknown error");
            bridge_state = -1;
            Rf_error("%s", start_error);
        }
        we_started_python = 1;
        /* the GIL is ours until PyEval_SaveThread */
        int ok = setup_python_side() == 0;
        if (!ok) capture_start_error();
        saved_tstate = PyEval_SaveThread();
        if (!ok) {
            bridge_state = -1;
            Rf_error("%s", start_error);
        }
        install_sigint();
    } else {
        /* Python hosts (rpy2), or reticulate started it: attach. rpy2 turns off R's C stack check
           (R_CStackLimit = -1) so that any thread may call R; the bridge lets only R's main thread in,
           so turn it back on as Rscript has it: infinite recursion then is an R error, not a crash. */
        if (R_CStackLimit == (uintptr_t)-1 && R_CStackStart != (uintptr_t)-1 && getpid() == (pid_t)syscall(SYS_gettid)) {
            struct rlimit rl;
            if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
                R_CStackLimit = (uintptr_t)(0.95 * (double)rl.rlim_cur);
        }
        /* Python hosts (rpy2), or reticulate started it: attach. */
        PyGILState_STATE g = PyGILState_Ensure();
        int ok = setup_python_side() == 0;
        if (!ok) capture_start_error();
        PyGILState_Release(g);
        if (!ok) {
            bridge_state = -1;
            Rf_error("%s", start_error);
        }
    }
    bridge_state = 1;
}

static void fn_keep_reserve(void);

/* Before taking the GIL: start, collect if due, and make room for what the call may need (so that no R
   allocation happens under the GIL outside r_try). */
#define READY() do { \
    if (bridge_state != 1) start_bridge(); \
    maybe_gc(); \
    if (n_robj_live > robj_cross_mark) cross_collect(); \
    if (unwind_nfree < 16) unwind_reserve(16); \
    fn_keep_reserve(); \
} while (0)

/* ------------------------------------------------------------------------------------------------ */
/* Dispatch by name: CHARSXP address -> callable (R's CHARSXPs are interned; we keep them alive).    */

typedef struct { SEXP key; PyObject *fn; } FnEntry;
static FnEntry *fn_tab = NULL;
static size_t fn_cap = 0, fn_n = 0;

static size_t fn_slot(FnEntry *tab, size_t cap, SEXP key) {
    size_t i = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ULL >> 20;
    i &= cap - 1;
    while (tab[i].key && tab[i].key != key) i = (i + 1) & (cap - 1);
    return i;
}

static void fn_keep_reserve(void) {
    if ((R_xlen_t)fn_n + 1 < XLENGTH(fn_keep)) return;
    SEXP nk = Rf_allocVector(STRSXP, XLENGTH(fn_keep) * 2);
    R_PreserveObject(nk);
    for (R_xlen_t j = 0; j < XLENGTH(fn_keep); j++) SET_STRING_ELT(nk, j, STRING_ELT(fn_keep, j));
    R_ReleaseObject(fn_keep);
    fn_keep = nk;
}

/* Returns a borrowed callable, or NULL with a Python error set. No R allocation: callers hold the GIL
   (fn_keep_reserve() ran before). */
static PyObject *lookup_fn(SEXP name) {
    if (TYPEOF(name) != STRSXP || XLENGTH(name) != 1) {
        PyErr_SetString(PyExc_TypeError, "bridge: function name must be a string");
        return NULL;
    }
    SEXP key = STRING_ELT(name, 0);
    if (fn_cap) {
        size_t i = fn_slot(fn_tab, fn_cap, key);
        if (fn_tab[i].key) return fn_tab[i].fn;
    }
    PyObject *k = r_str(key);
    if (!k) return NULL;
    PyObject *fn = PyObject_GetItem(py_dispatch, k);  /* the table resolves unknown names once */
    Py_DECREF(k);
    if (!fn) return NULL;
    if ((fn_n + 1) * 2 > fn_cap) {
        size_t ncap = fn_cap ? fn_cap * 2 : 512;
        FnEntry *nt = calloc(ncap, sizeof(FnEntry));
        if (!nt) { Py_DECREF(fn); PyErr_NoMemory(); return NULL; }
        for (size_t j = 0; j < fn_cap; j++)
            if (fn_tab[j].key) nt[fn_slot(nt, ncap, fn_tab[j].key)] = fn_tab[j];
        free(fn_tab);
        fn_tab = nt;
        fn_cap = ncap;
    }
    SET_STRING_ELT(fn_keep, fn_n, key);  /* fn_keep_reserve() made room before the GIL was taken */
    size_t i = fn_slot(fn_tab, fn_cap, key);
    fn_tab[i].key = key;
    fn_tab[i].fn = fn;  /* owned by the table */
    fn_n++;
    return fn;
}

/* ------------------------------------------------------------------------------------------------ */
/* Entry points                                                                                      */

/* An NA among the arguments (na_seen): Python's _hooks.reject_na raises an error naming the argument,
   unless the callable takes R values as they are (R functions, R-defined methods). 0 or -1. */
static int reject_na(PyObject *fn, PyObject *const *vec, Py_ssize_t n, PyObject *kwnames) {
    na_seen = 0;
    Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *args = PyTuple_New(n), *kw = PyDict_New();
    int rc = -1;
    if (!args || !kw) goto out;
    for (Py_ssize_t i = 0; i < n; i++) { Py_INCREF(vec[i]); PyTuple_SET_ITEM(args, i, vec[i]); }
    for (Py_ssize_t i = 0; i < nk; i++)
        if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, i), vec[n + i]) < 0) goto out;
    PyObject *r = PyObject_CallFunctionObjArgs(py_reject_na, fn, args, kw, NULL);
    if (r) { Py_DECREF(r); rc = 0; }
out:
    Py_XDECREF(args);
    Py_XDECREF(kw);
    return rc;
}

/* R torch's allocator: when an allocation fails, R's gc() runs (its finalizers release the tensors that R
   no longer references; Python's collector then frees cycles) and the call is tried once more. gc is looked
   up when needed, so R code that traces it (R torch's test-allocator.R) sees the call. A call is retried
   only when Python raised MemoryError: no result was assigned (in-place ops assign last). Returns whether
   to retry; otherwise the error stays set (an R error inside gc() becomes RUnwind, resumed by fail()). */
static SEXP gc_body(void *unused) {
    (void)unused;
    SEXP call = PROTECT(Rf_lang1(Rf_install("gc")));
    Rf_eval(call, R_BaseEnv);
    UNPROTECT(1);
    return R_NilValue;
}

static int gc_for_retry(void) {
    if (!PyErr_ExceptionMatches(PyExc_MemoryError)) return 0;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (!r_try(gc_body, NULL)) {  /* RUnwind set: drop the MemoryError, the unwind goes on */
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return 0;
    }
    PyGC_Collect();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return 1;
}

/* .Call(C_rt_call, name, a1, ..., an): positional arguments only (the hot path: Ops, `$`, print). */
static SEXP call_n(SEXP name, int n, SEXP *a) {
    READY();
    ENTER();
    PyObject *fn = lookup_fn(name);
    if (!fn) fail(gil__);
    PyObject *args[4];
    int i;
    na_seen = 0;
    for (i = 0; i < n; i++) {
        args[i] = r2py(a[i]);
        if (!args[i]) {
            while (i-- > 0) Py_DECREF(args[i]);
            fail(gil__);
        }
    }
    current_fn = fn;
    if (na_seen && reject_na(fn, args, n, NULL) < 0) {
        for (i = 0; i < n; i++) Py_DECREF(args[i]);
        fail(gil__);
    }
    PyObject *res = PyObject_Vectorcall(fn, args, n, NULL);
    if (!res && gc_for_retry()) res = PyObject_Vectorcall(fn, args, n, NULL);
    current_fn = fn;  /* table functions live as long as the process; nested calls changed it */
    for (i = 0; i < n; i++) Py_DECREF(args[i]);
    if (!res) fail(gil__);
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

static SEXP rt_call0(SEXP name) { return call_n(name, 0, NULL); }
static SEXP rt_call1(SEXP name, SEXP a) { SEXP v[1] = {a}; return call_n(name, 1, v); }
static SEXP rt_call2(SEXP name, SEXP a, SEXP b) { SEXP v[2] = {a, b}; return call_n(name, 2, v); }
static SEXP rt_call3(SEXP name, SEXP a, SEXP b, SEXP c) { SEXP v[3] = {a, b, c}; return call_n(name, 3, v); }

/* Calls fn with the R pairlist `args` (tags become keyword arguments; `.rt_absent` values are left
   out so that Python's default applies). Steals nothing; returns a new reference or NULL. */
/* Calls fn(*args) from an R pairlist, or with fn NULL the method self.<mname>(*args) without making the
   bound method (PyObject_VectorcallMethod: self goes in slot 0 of the vector). */
static PyObject *call_args(PyObject *fn, PyObject *self, PyObject *mname, SEXP args) {
    int n = 0, nkw = 0, lead = fn ? 0 : 1;
    for (SEXP a = args; a != R_NilValue; a = CDR(a)) {
        if (CAR(a) == absent_marker) continue;
        if (TAG(a) != R_NilValue) nkw++;
        else n++;
    }
    PyObject *small[9];
    int total = lead + n + nkw;
    PyObject **vec = total <= 9 ? small : PyMem_Malloc(total * sizeof(PyObject *));
    if (!vec) return PyErr_NoMemory();
    PyObject *kwnames = nkw ? PyTuple_New(nkw) : NULL;
    if (nkw && !kwnames) { if (vec != small) PyMem_Free(vec); return NULL; }
    PyObject **pos = vec + lead;   /* the n positional values, then the keyword values */
    if (lead) vec[0] = self;
    int ip = 0, ik = 0;
    PyObject *res = NULL;
    na_seen = 0;
    /* positional first, then keywords, as vectorcall wants */
    for (SEXP a = args; a != R_NilValue; a = CDR(a)) {
        if (CAR(a) == absent_marker) continue;
        PyObject *v = r2py(CAR(a));
        if (!v) goto done;
        if (TAG(a) != R_NilValue) {
            PyObject *k = r_sym_str(TAG(a));
            if (!k) { Py_DECREF(v); goto done; }
            PyTuple_SET_ITEM(kwnames, ik, k);
            pos[n + ik] = v;
            ik++;
        } else {
            pos[ip++] = v;
        }
    }
    if (na_seen) {
        /* the NA check names the argument, so it needs the callable's signature: the bound method */
        PyObject *f = fn ? (Py_INCREF(fn), fn) : PyObject_GetAttr(self, mname);
        int bad = !f || reject_na(f, pos, n, kwnames) < 0;
        Py_XDECREF(f);
        if (bad) goto done;
    }
    if (fn) {
        res = PyObject_Vectorcall(fn, vec, n, kwnames);
        if (!res && gc_for_retry()) res = PyObject_Vectorcall(fn, vec, n, kwnames);
    } else {
        res = PyObject_VectorcallMethod(mname, vec, 1 + n, kwnames);
        if (!res && gc_for_retry()) res = PyObject_VectorcallMethod(mname, vec, 1 + n, kwnames);
    }
done:
    for (int i = 0; i < ip; i++) Py_DECREF(pos[i]);
    for (int i = 0; i < ik; i++) Py_DECREF(pos[n + i]);
    Py_XDECREF(kwnames);
    if (vec != small) PyMem_Free(vec);
    return res;
}

static PyObject *call_pairlist(PyObject *fn, SEXP args) { return call_args(fn, NULL, NULL, args); }

/* .External(C_rt_callx, name, ...): any arguments, named ones become keyword arguments. */
static SEXP rt_callx(SEXP args) {
    args = CDR(args);
    SEXP name = CAR(args);
    READY();
    ENTER();
    PyObject *fn = lookup_fn(name);
    if (!fn) fail(gil__);
    current_fn = fn;
    PyObject *res = call_pairlist(fn, CDR(args));
    current_fn = fn;
    if (!res) fail(gil__);
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

/* .External(C_rt_callobj, <pointer>, ...): call a Python callable wrapped as an R function. */
static SEXP rt_callobj(SEXP args) {
    args = CDR(args);
    READY();
    ENTER();
    PyObject *obj = r2py(CAR(args));
    if (!obj) fail(gil__);
    current_fn = NULL;
    PyObject *res = call_pairlist(obj, CDR(args));
    current_fn = NULL;
    Py_DECREF(obj);
    if (!res) fail(gil__);
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

/* Method names as interned Python strings, by CHARSXP address (R keeps one CHARSXP per string; name_keep
   keeps these alive), so a method call does not decode its name each time. Called with the GIL held: no
   R allocation here (name_keep, declared at the top, is made at start-up). When the table is half full, names are decoded. */

static PyObject *method_name(SEXP key) {
    size_t i = ((((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ULL) >> 23) & (NAME_TAB - 1);
    while (name_keys[i] && name_keys[i] != key) i = (i + 1) & (NAME_TAB - 1);
    if (name_keys[i]) { Py_INCREF(name_values[i]); return name_values[i]; }
    PyObject *nm = r_str(key);
    if (!nm || n_names * 2 >= NAME_TAB) return nm;
    PyUnicode_InternInPlace(&nm);
    SET_STRING_ELT(name_keep, n_names++, key);
    name_keys[i] = key;
    name_values[i] = nm;
    Py_INCREF(nm);   /* the table's reference */
    return nm;
}

/* .External(C_rt_callm, x, name, ...): x$name(...), the closure that `$` returned for a method. */
static SEXP rt_callm(SEXP args) {
    args = CDR(args);
    SEXP x = CAR(args), name = CADR(args);
    READY();
    ENTER();
    PyObject *obj = r2py(x);
    if (!obj) fail(gil__);
    PyObject *nm = method_name(STRING_ELT(name, 0));
    if (!nm) { Py_DECREF(obj); fail(gil__); }
    current_fn = NULL;
    PyObject *res = call_args(NULL, obj, nm, CDDR(args));
    current_fn = NULL;
    Py_DECREF(nm);
    Py_DECREF(obj);
    if (!res) fail(gil__);
    if (res == obj) {
        /* an in-place method returns its receiver: R gets the same object back, as in R torch (x keeps
           the receiver alive, so the comparison of addresses is sound after obj's release above) */
        Py_DECREF(res);
        return finish(gil__, x);
    }
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

/* Tensor methods known to be methods, by name (CHARSXP address -> 1 method, 2 invisible method), so
   that `x$mean(dim = 1)` enters Python once, for the call: `$` builds the closure without Python. The
   answer is per class (_hooks.dollar: methods are looked up on the class), and Tensor is one class. */
#define METHOD_TAB 1024
static SEXP method_keys[METHOD_TAB];
static unsigned char method_kinds[METHOD_TAB];
static int n_methods = 0;
static SEXP method_keep = NULL;   /* STRSXP keeping the names alive */

static size_t method_slot(SEXP key) {
    size_t i = (((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ULL) >> 22;
    i &= METHOD_TAB - 1;
    while (method_keys[i] && method_keys[i] != key) i = (i + 1) & (METHOD_TAB - 1);
    return i;
}

static int is_tensor_ptr(SEXP x) {
    if (!tensor_type || TYPEOF(x) != EXTPTRSXP || R_ExternalPtrTag(x) != sym_tag) return 0;
    PyObject *o = R_ExternalPtrAddr(x);
    return o && Py_TYPE(o) == tensor_type;  /* reads the type pointer only: no GIL needed */
}

/* R allocation: called without the GIL. */
static void method_remember(SEXP key, int kind) {
    if (n_methods * 2 >= METHOD_TAB) return;
    if (!method_keep) {
        method_keep = Rf_allocVector(STRSXP, METHOD_TAB / 2);
        R_PreserveObject(method_keep);
    }
    size_t i = method_slot(key);
    if (method_keys[i]) return;
    SET_STRING_ELT(method_keep, n_methods++, key);
    method_keys[i] = key;
    method_kinds[i] = (unsigned char)kind;
}

static SEXP method_closure(SEXP x, SEXP name, int invisible) {
    SEXP body = PROTECT(Rf_lang5(prim_external, native_callm, x, name, R_DotsSymbol));
    if (invisible) {
        body = Rf_lang2(prim_invisible, body);
        UNPROTECT(1);
        PROTECT(body);
    }
    SEXP out = make_closure(dots_formals, body, ns_env);
    UNPROTECT(1);
    return out;
}

/* The method closure for `$.torch_tensor`, whose frame rho already binds x and name: the closure's
   environment is that frame and its body one shared call, so `$` allocates one cell (the closure)
   instead of seven. */
static SEXP method_closure_in(SEXP rho, int invisible) {
    return make_closure(dots_formals, invisible ? frame_body_invisible : frame_body, rho);
}

/* A module restored by readRDS (its pointer empty, its description kept): a module rebuilt from the
   description takes the pointer, its tensors meta tensors until load_state_dict() gives them values. Called
   without the GIL; raises an R error when the description cannot be used (its class is not defined). */
static void revive_module(SEXP x) {
    SEXP p = TYPEOF(x) == CLOSXP ? Rf_getAttrib(x, sym_rt_py) : x;
    if (TYPEOF(p) != EXTPTRSXP || R_ExternalPtrTag(p) != sym_tag || R_ExternalPtrAddr(p)) return;
    SEXP desc = R_ExternalPtrProtected(p);
    if (TYPEOF(desc) != RAWSXP || XLENGTH(desc) == 0 || !py_revive) return;
    PROTECT(desc);
    R_RegisterCFinalizerEx(p, ptr_finalizer, FALSE);  /* serialization kept none; it ignores an empty pointer */
    PyGILState_STATE g = PyGILState_Ensure();
    in_python++;
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)RAW(desc), XLENGTH(desc));
    PyObject *o = bytes ? PyObject_CallOneArg(py_revive, bytes) : NULL;
    Py_XDECREF(bytes);
    if (!o) fail(g);
    R_SetExternalPtrAddr(p, o);  /* owns the reference */
    n_ptrs_live++;
    n_ptrs_made++;
    finish(g, R_NilValue);
    R_SetExternalPtrProtected(p, skel_registered ? R_new_altrep(skel_class, p, R_NilValue) : R_NilValue);
    if (TYPEOF(x) == CLOSXP) wcache_put(o, x);
    UNPROTECT(1);
}

/* x$name: a field's value, or for a method a closure function(...) .External(C_rt_callm, x, name, ...). */
static SEXP dollar(SEXP x, SEXP name, SEXP rho) {
    READY();
    if (TYPEOF(name) != STRSXP || XLENGTH(name) != 1 || STRING_ELT(name, 0) == NA_STRING)
        Rf_error("`$`: the name must be a string");
    SEXP key = STRING_ELT(name, 0);
    int tensor = is_tensor_ptr(x);
    if (tensor) {
        size_t i = method_slot(key);
        if (method_keys[i]) {
            int invisible = method_kinds[i] == 2;
            return rho ? method_closure_in(rho, invisible) : method_closure(x, name, invisible);
        }
    } else if (TYPEOF(x) == CLOSXP && !strcmp(CHAR(key), "load_state_dict")) {
        revive_module(x);  /* a module restored by readRDS gets its tensors back this way, as in R torch */
    }
    ENTER();
    PyObject *obj = r2py(x);
    if (!obj) fail(gil__);
    PyObject *nm = r_str(key);
    if (!nm) { Py_DECREF(obj); fail(gil__); }
    PyObject *res = PyObject_CallFunctionObjArgs(py_dollar, obj, nm, NULL);
    Py_DECREF(obj);
    Py_DECREF(nm);
    if (!res) fail(gil__);
    if (res == py_method || res == py_method_invisible) {
        int invisible = res == py_method_invisible;
        Py_DECREF(res);
        finish(gil__, R_NilValue);
        if (tensor) method_remember(key, invisible ? 2 : 1);
        return rho ? method_closure_in(rho, invisible) : method_closure(x, name, invisible);
    }
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

static SEXP rt_dollar(SEXP x, SEXP name) { return dollar(x, name, NULL); }

/* .External2(C_rt_tdollar, x, name) from `$.torch_tensor`, whose frame (rho) binds x and name */
static SEXP rt_tdollar(SEXP call, SEXP op, SEXP args, SEXP rho) {
    (void)call; (void)op;
    args = CDR(args);
    return dollar(CAR(args), CADR(args), rho);
}

/* x$name <- value */
static SEXP rt_setattr(SEXP x, SEXP name, SEXP value) {
    READY();
    ENTER();
    PyObject *obj = r2py(x);
    if (!obj) fail(gil__);
    PyObject *v = r2py(value);
    if (!v) { Py_DECREF(obj); fail(gil__); }
    PyObject *nm = r_str(STRING_ELT(name, 0));
    PyObject *res = nm ? PyObject_CallFunctionObjArgs(py_setattr, obj, nm, v, NULL) : NULL;
    Py_DECREF(obj);
    Py_DECREF(v);
    Py_XDECREF(nm);
    if (!res) fail(gil__);
    Py_DECREF(res);
    return finish(gil__, x);
}

/* `[` and `[<-`: R's index syntax, evaluated here in R before Python runs (so R errors need no cleanup).
   Each item becomes: MISSING (empty), Ellipsis (`..`), slice(start, end, step) for `a:b` / `a:b:c` with
   R's values, or the evaluated value. `N` means the last index (.Machine$integer.max, as R torch) and
   `newaxis` is NULL, in a mask over the caller's environment. */
enum { IX_VALUE, IX_MISSING, IX_ELLIPSIS, IX_SLICE };

static SEXP index_mask(SEXP env) {
#if R_VERSION >= R_Version(4, 1, 0)
    SEXP m = PROTECT(R_NewEnv(env, FALSE, 0));
#else
    SEXP m = PROTECT(Rf_eval(Rf_lang1(Rf_install("new.env")), env));
#endif
    Rf_defineVar(sym_N, Rf_ScalarInteger(INT_MAX), m);
    Rf_defineVar(sym_newaxis, R_NilValue, m);
    UNPROTECT(1);
    return m;
}

static int is_colon(SEXP e) {
    return TYPEOF(e) == LANGSXP && CAR(e) == sym_colon && Rf_length(e) == 3;
}

/* vals has n + 1 slots: the items, then the mask environment (made on first need), so protecting vals
   protects everything. */
static SEXP eval_index(SEXP e, SEXP vals, SEXP env) {
    switch (TYPEOF(e)) {
    case REALSXP: case INTSXP: case LGLSXP: case NILSXP: case STRSXP:
        return e;
    default: {
        R_xlen_t last = XLENGTH(vals) - 1;
        SEXP mask = VECTOR_ELT(vals, last);
        if (mask == R_NilValue) {
            mask = index_mask(env);
            SET_VECTOR_ELT(vals, last, mask);
        }
        return Rf_eval(e, mask);
    }
    }
}

/* Returns a protected VECSXP (caller unprotects one) of evaluated items and fills kinds. */
static SEXP eval_indices(SEXP call, SEXP env, int *kinds) {
    SEXP items = CDR(call);
    int n = Rf_length(items);
    SEXP vals = PROTECT(Rf_allocVector(VECSXP, n + 1));
    int i = 0;
    for (SEXP it = items; it != R_NilValue; it = CDR(it), i++) {
        SEXP e = CAR(it);
        if (e == R_MissingArg) { kinds[i] = IX_MISSING; continue; }
        if (e == sym_dotdot) { kinds[i] = IX_ELLIPSIS; continue; }
        if (is_colon(e)) {
            SEXP lhs = CADR(e), start, end, step = R_NilValue;
            if (is_colon(lhs)) {  /* a:b:c parses as (a:b):c */
                start = CADR(lhs);
                end = CADDR(lhs);
                step = CADDR(e);
            } else {
                start = lhs;
                end = CADDR(e);
            }
            SEXP s3 = Rf_allocVector(VECSXP, 3);
            SET_VECTOR_ELT(vals, i, s3);
            SET_VECTOR_ELT(s3, 0, eval_index(start, vals, env));
            SET_VECTOR_ELT(s3, 1, eval_index(end, vals, env));
            if (step != R_NilValue) SET_VECTOR_ELT(s3, 2, eval_index(step, vals, env));
            kinds[i] = IX_SLICE;
            continue;
        }
        SET_VECTOR_ELT(vals, i, eval_index(e, vals, env));
        kinds[i] = IX_VALUE;
    }
    return vals;
}

static PyObject *index_list(SEXP vals, const int *kinds) {
    R_xlen_t n = XLENGTH(vals) - 1;
    PyObject *l = PyList_New(n);
    if (!l) return NULL;
    for (R_xlen_t i = 0; i < n; i++) {
        PyObject *v = NULL;
        switch (kinds[i]) {
        case IX_MISSING: v = py_missing; Py_INCREF(v); break;
        case IX_ELLIPSIS: v = Py_Ellipsis; Py_INCREF(v); break;
        case IX_SLICE: {
            SEXP s3 = VECTOR_ELT(vals, i);
            PyObject *a = r2py(VECTOR_ELT(s3, 0));
            PyObject *b = a ? r2py(VECTOR_ELT(s3, 1)) : NULL;
            PyObject *c = b ? r2py(VECTOR_ELT(s3, 2)) : NULL;
            if (c) v = PySlice_New(a, b, c);
            Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c);
            break;
        }
        default: v = r2py(VECTOR_ELT(vals, i));
        }
        if (!v) { Py_DECREF(l); return NULL; }
        PyList_SET_ITEM(l, i, v);
    }
    return l;
}

#define MAX_INDICES 64

static SEXP rt_subset(SEXP x, SEXP call, SEXP env, SEXP drop) {
    int kinds[MAX_INDICES];
    if (Rf_length(call) - 1 > MAX_INDICES) Rf_error("too many indices");
    SEXP vals = eval_indices(call, env, kinds);
    READY();
    ENTER();
    PyObject *fn = lookup_fn(str_subset);
    PyObject *obj = fn ? r2py(x) : NULL;
    PyObject *items = obj ? index_list(vals, kinds) : NULL;
    PyObject *dr = items ? r2py(drop) : NULL;
    PyObject *res = dr ? PyObject_CallFunctionObjArgs(fn, obj, items, dr, NULL) : NULL;
    Py_XDECREF(obj); Py_XDECREF(items); Py_XDECREF(dr);
    if (!res) { UNPROTECT(1); fail(gil__); }
    SEXP out = py2r_top(res);
    Py_DECREF(res);
    if (!out) { UNPROTECT(1); fail(gil__); }
    out = finish(gil__, out);
    UNPROTECT(1);
    return out;
}

static SEXP rt_subassign(SEXP x, SEXP call, SEXP env, SEXP value) {
    int kinds[MAX_INDICES];
    if (Rf_length(call) - 1 > MAX_INDICES) Rf_error("too many indices");
    SEXP vals = eval_indices(call, env, kinds);
    READY();
    ENTER();
    PyObject *fn = lookup_fn(str_subassign);
    PyObject *obj = fn ? r2py(x) : NULL;
    PyObject *items = obj ? index_list(vals, kinds) : NULL;
    PyObject *v = items ? r2py(value) : NULL;
    PyObject *res = v ? PyObject_CallFunctionObjArgs(fn, obj, items, v, NULL) : NULL;
    Py_XDECREF(obj); Py_XDECREF(items); Py_XDECREF(v);
    if (!res) { UNPROTECT(1); fail(gil__); }
    Py_DECREF(res);
    finish(gil__, R_NilValue);
    UNPROTECT(1);
    return x;
}

/* ------------------------------------------------------------------------------------------------ */
/* Hosting: Rscript's top-level loop, run from `rtorch run` (rpy2) or from R.                       */

typedef struct { SEXP expr, env, value; Rboolean visible; } TopEval;

static void top_eval(void *data) {
    TopEval *t = data;
    R_Visible = TRUE;
    t->value = Rf_eval(t->expr, t->env);
    t->visible = R_Visible;
}

static void top_print(void *data) {
    TopEval *t = data;
    SEXP fn = Rf_findVarInFrame(ns_env, Rf_install(".rt_autoprint"));
    SEXP call = PROTECT(Rf_lang2(fn, Rf_lang2(R_QuoteSymbol, t->value)));
    Rf_eval(call, R_GlobalEnv);
    UNPROTECT(1);
}

/* R's printDeferredWarnings() prefixes "In addition: " (it is meant for after an error); Rscript's
   REPL prints the warnings without it. When the console is a callback (embedded R), drop that piece. */
static void (*console_orig)(const char *, int, int) = NULL;

static void console_filter(const char *buf, int len, int otype) {
    if (otype && strcmp(buf, "In addition: ") == 0) return;
    console_orig(buf, len, otype);
}

static void top_flush_warnings(void *data) {
    /* R prints deferred warnings after each top-level call (errors.c: PrintWarnings) */
    SEXP call = PROTECT(Rf_lang2(Rf_install(".Internal"),
                                 Rf_lang1(Rf_install("printDeferredWarnings"))));
    Rf_eval(call, R_BaseEnv);
    UNPROTECT(1);
}

/* .Call(C_rt_run_exprs, exprs, env): evaluates each expression as a separate top-level call, printing
   visible values; an error is printed by R's own handler. Returns 0, 1 (error) or 130 (interrupted). */
static SEXP rt_run_exprs(SEXP exprs, SEXP env) {
    if (bridge_state != 1) start_bridge();
    int own_sigint = !sigint_installed;
    if (own_sigint) install_sigint();
    got_sigint = 0;
    int status = 0;
    R_xlen_t n = XLENGTH(exprs);
    for (R_xlen_t i = 0; i < n; i++) {
        TopEval t = {VECTOR_ELT(exprs, i), env, R_NilValue, FALSE};
        Rboolean ok = R_ToplevelExec(top_eval, &t);
        if (ok) {
            PROTECT(t.value);
            if (t.visible) ok = R_ToplevelExec(top_print, &t);
            UNPROTECT(1);
        }
        if (ok && ptr_R_WriteConsoleEx && !R_Consolefile) {
            console_orig = ptr_R_WriteConsoleEx;
            ptr_R_WriteConsoleEx = console_filter;
            R_ToplevelExec(top_flush_warnings, NULL);
            ptr_R_WriteConsoleEx = console_orig;
        } else if (ok) {
            R_ToplevelExec(top_flush_warnings, NULL);
        }
        if (!ok) {
            status = got_sigint ? 130 : 1;
            break;
        }
    }
    if (own_sigint && !we_started_python) restore_sigint();
    return Rf_ScalarInteger(status);
}

/* .Call(C_rt_sigint, on): Python hosts install our SIGINT handler around R evaluations. */
static SEXP rt_sigint(SEXP on) {
    if (Rf_asLogical(on)) install_sigint();
    else if (!we_started_python) restore_sigint();
    return Rf_ScalarLogical(sigint_installed);
}

/* .Call(C_rt_hold_gil): reticulate attached to the interpreter we started; reticulate 1.28 expects the
   main thread to hold the GIL, so keep it (our PyGILState calls nest). */
static SEXP rt_hold_gil(void) {
    if (saved_tstate) {
        PyEval_RestoreThread(saved_tstate);
        saved_tstate = NULL;
    }
    return R_NilValue;
}

static SEXP rt_stats(void) {
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 7));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, 7));
    REAL(out)[5] = in_python;
    REAL(out)[6] = unwind_size - unwind_nfree;
    SET_STRING_ELT(nm, 5, Rf_mkChar("in_python"));
    SET_STRING_ELT(nm, 6, Rf_mkChar("unwinds_in_flight"));
    REAL(out)[0] = n_ptrs_live;
    REAL(out)[1] = n_ptrs_made;
    REAL(out)[2] = n_robj_live;
    REAL(out)[3] = bridge_state;
    REAL(out)[4] = we_started_python;
    SET_STRING_ELT(nm, 4, Rf_mkChar("r_hosts_python"));
    SET_STRING_ELT(nm, 0, Rf_mkChar("pointers_live"));
    SET_STRING_ELT(nm, 1, Rf_mkChar("pointers_made"));
    SET_STRING_ELT(nm, 2, Rf_mkChar("robjects_live"));
    SET_STRING_ELT(nm, 3, Rf_mkChar("state"));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

static SEXP rt_started(void) { return Rf_ScalarLogical(bridge_state == 1); }

/* .Call(C_rt_cross_gc): collect cycles through both heaps now (see cross_collect). */
static SEXP rt_cross_gc(void) {
    if (bridge_state == 1) cross_collect();
    return Rf_ScalarReal((double)n_robj_live);
}

static SEXP rt_default_python(void) { return Rf_mkString(RTORCH_DEFAULT_PYTHON); }

static SEXP rt_is_valid(SEXP x) {
    if (TYPEOF(x) == CLOSXP) x = Rf_getAttrib(x, sym_rt_py ? sym_rt_py : Rf_install("rtorch_py"));
    return Rf_ScalarLogical(TYPEOF(x) == EXTPTRSXP && R_ExternalPtrAddr(x) != NULL);
}

/* ------------------------------------------------------------------------------------------------ */

/* .Call(C_rt_buffer, x): a Python uint8 array over the memory of the R vector x, without a copy (R torch's
   torch_tensor_from_buffer shares it: writes through the tensor change x). x stays preserved until the
   array (and every tensor viewing it) is gone. */
static void buffer_release(PyObject *cap) {
    SEXP x = (SEXP)PyCapsule_GetPointer(cap, "rtorch_r_buffer");
    if (x) R_ReleaseObject(x);
}

static SEXP rt_buffer(SEXP x) {
    int t = TYPEOF(x);
    if (t != RAWSXP && t != REALSXP && t != INTSXP && t != LGLSXP && t != CPLXSXP)
        raise_classed("value_error", "torch_tensor_from_buffer: `buffer` must be a raw, double, integer, logical "
                      "or complex vector");
    READY();
    ENTER();
    size_t width = t == RAWSXP ? 1 : t == REALSXP ? sizeof(double) : t == CPLXSXP ? sizeof(Rcomplex)
                   : sizeof(int);
    npy_intp n = (npy_intp)(XLENGTH(x) * width);
    void *data = t == RAWSXP ? (void *)RAW(x) : t == REALSXP ? (void *)REAL(x) : t == INTSXP ? (void *)INTEGER(x)
                 : t == CPLXSXP ? (void *)COMPLEX(x) : (void *)LOGICAL(x);
    PyObject *a = PyArray_SimpleNewFromData(1, &n, NPY_UINT8, data);
    if (!a) fail(gil__);
    PyObject *cap = PyCapsule_New((void *)x, "rtorch_r_buffer", buffer_release);
    if (!cap) { Py_DECREF(a); fail(gil__); }
    R_PreserveObject(x);
    if (PyArray_SetBaseObject((PyArrayObject *)a, cap) < 0) { Py_DECREF(a); fail(gil__); }  /* steals cap */
    SEXP out = wrap_object(a);  /* the array itself (a py_object), not an R copy of its values */
    Py_DECREF(a);
    if (!out) fail(gil__);
    return finish(gil__, out);
}

static const R_CallMethodDef call_methods[] = {
    {"rt_buffer", (DL_FUNC)&rt_buffer, 1},
    {"rt_call0", (DL_FUNC)&rt_call0, 1},
    {"rt_call1", (DL_FUNC)&rt_call1, 2},
    {"rt_call2", (DL_FUNC)&rt_call2, 3},
    {"rt_call3", (DL_FUNC)&rt_call3, 4},
    {"rt_dollar", (DL_FUNC)&rt_dollar, 2},
    {"rt_setattr", (DL_FUNC)&rt_setattr, 3},
    {"rt_subset", (DL_FUNC)&rt_subset, 4},
    {"rt_subassign", (DL_FUNC)&rt_subassign, 4},
    {"rt_run_exprs", (DL_FUNC)&rt_run_exprs, 2},
    {"rt_sigint", (DL_FUNC)&rt_sigint, 1},
    {"rt_hold_gil", (DL_FUNC)&rt_hold_gil, 0},
    {"rt_stats", (DL_FUNC)&rt_stats, 0},
    {"rt_started", (DL_FUNC)&rt_started, 0},
    {"rt_cross_gc", (DL_FUNC)&rt_cross_gc, 0},
    {"rt_default_python", (DL_FUNC)&rt_default_python, 0},
    {"rt_is_valid", (DL_FUNC)&rt_is_valid, 1},
    {NULL, NULL, 0}
};

static const R_ExternalMethodDef external_methods[] = {
    {"rt_callx", (DL_FUNC)&rt_callx, -1},
    {"rt_callobj", (DL_FUNC)&rt_callobj, -1},
    {"rt_callm", (DL_FUNC)&rt_callm, -1},
    {"rt_tdollar", (DL_FUNC)&rt_tdollar, 2},
    {NULL, NULL, 0}
};

void R_init_torch(DllInfo *dll) {
    R_registerRoutines(dll, NULL, call_methods, NULL, external_methods);
    skel_class = R_make_altraw_class("rtorch_module_skeleton", "torch", dll);
    R_set_altrep_Length_method(skel_class, skel_length);
    R_set_altvec_Dataptr_method(skel_class, skel_dataptr);
    R_set_altvec_Dataptr_or_null_method(skel_class, skel_dataptr_or_null);
    R_set_altrep_Serialized_state_method(skel_class, skel_state);
    R_set_altrep_Unserialize_method(skel_class, skel_unserialize);
    skel_registered = 1;
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
