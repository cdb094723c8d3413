#!/usr/bin/python3
"""test_spack.py: packaging/spack/package.py is a valid Spack recipe for
wavebench. Spack cannot run here (CI has no GitHub to get it from), so:
  1. the Python AST: a class deriving from AutotoolsPackage (and CudaPackage
     for +cuda), variants cuda, nccl, curl; depends_on mpi, hdf5+mpi, a BLAS,
     jansson, curl (+curl), cuda (+cuda), nccl (+nccl); +nccl
     conflicts with ~cuda; a configure_args method;
  2. the recipe executed against stand-ins for spack.package, and its
     configure_args called for several specs: CC is the MPI compiler wrapper,
     every --with/--without option it passes is one configure.ac declares,
     and the CUDA/NCCL/curl options follow the variants;
  3. what the real install (scripts/spack-check.sh) found: the Spack 1.x build-system
     imports, no ~fortran on HDF5, a release tarball url.
Deliberately broken copies must be rejected.
"""
import ast
import contextlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdicts import Verdicts  # noqa: E402
import types

SRCDIR = os.environ.get("WB_SRCDIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
RECIPE = os.path.join(SRCDIR, "packaging", "spack", "package.py")
CONFIGURE_AC = os.path.join(SRCDIR, "configure.ac")


def call_name(node):
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def const(node):
    return node.value if isinstance(node, ast.Constant) else None


def static_errors(tree):
    errs = []
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if len(classes) != 1:
        return [f"ast: {len(classes)} classes, expected 1"]
    cls = classes[0]
    if cls.name != "Wavebench":
        errs.append(f"ast: class {cls.name}: Spack names the wavebench package class Wavebench")
    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", None) for b in cls.bases}
    if "AutotoolsPackage" not in bases:
        errs.append(f"ast: Wavebench derives from {sorted(b for b in bases if b)}, not AutotoolsPackage")
    if not ast.get_docstring(cls):
        errs.append("ast: no docstring (spack info shows it)")
    calls = [n.value for n in cls.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    variants = {const(c.args[0]) for c in calls if call_name(c) == "variant" and c.args}
    if "CudaPackage" in bases:
        variants.add("cuda")
    for v in ("cuda", "nccl", "curl"):
        if v not in variants:
            errs.append(f"ast: no variant {v!r}")
    deps = {}
    for c in calls:
        if call_name(c) == "depends_on" and c.args:
            when = next((const(k.value) for k in c.keywords if k.arg == "when"), None)
            deps.setdefault(const(c.args[0]), []).append(when)
    def has(pred, when=None):
        return any(pred(d or "") and (when is None or when in ws) for d, ws in deps.items())
    wants = [
        (lambda d: d == "mpi", None, "depends_on('mpi')"),
        (lambda d: d.startswith("hdf5") and "+mpi" in d, None, "depends_on('hdf5+mpi')"),
        (lambda d: d in ("blas", "openblas") or d.startswith("openblas"), None, "a BLAS (blas/openblas)"),
        (lambda d: d.startswith("jansson"), None, "depends_on('jansson')"),
        (lambda d: d.startswith("curl"), "+curl", "depends_on('curl', when='+curl')"),
        (lambda d: d.startswith("nccl"), "+nccl", "depends_on('nccl', when='+nccl')"),
    ]
    for pred, when, what in wants:
        if not has(pred, when):
            errs.append(f"ast: missing {what}")
    if "CudaPackage" not in bases and not has(lambda d: d.startswith("cuda"), "+cuda"):
        errs.append("ast: missing depends_on('cuda', when='+cuda')")
    conflicts = [c for c in calls if call_name(c) == "conflicts"]
    if not any(const(c.args[0]) == "+nccl" and
               any(k.arg == "when" and const(k.value) == "~cuda" for k in c.keywords)
               for c in conflicts if c.args):
        errs.append("ast: no conflicts('+nccl', when='~cuda')")
    methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    if "configure_args" not in methods:
        errs.append("ast: no configure_args method")
    if not any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") in ("git", "url") for t in n.targets)
               for n in cls.body):
        errs.append("ast: no git or url to fetch from")
    # Found by a real install (scripts/spack-check.sh, Spack 1.1): a package repository of
    # package API v2 (what `spack repo create` makes) gets nothing but spack.package, where
    # Spack 1.x no longer has the build systems; and HDF5 must not be asked for ~fortran,
    # which Debian's (and most sites') parallel HDF5 has.
    imports = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    if "spack_repo.builtin.build_systems.autotools" not in imports:
        errs.append("ast: no 'from spack_repo.builtin.build_systems.autotools import "
                    "AutotoolsPackage' (Spack 1.x)")
    if any(d and d.startswith("hdf5") and "~fortran" in d for d in deps):
        errs.append("ast: hdf5 asked for ~fortran: no parallel HDF5 with Fortran (Debian's) fits")
    urls = [const(n.value) for n in cls.body if isinstance(n, ast.Assign)
            and any(getattr(t, "id", "") == "url" for t in n.targets)]
    if not any(u and u.endswith(".tar.gz") for u in urls):
        errs.append("ast: no url of a release tarball (wavebench-X.Y.Z.tar.gz, make dist)")
    return errs


# ------------------------------------------------ stand-ins for spack --
class Prefix(str):
    def __getattr__(self, name):
        return Prefix(f"{self}/{name}")


class Libs:
    def __init__(self, prefix, name):
        self.ld_flags = f"-L{prefix}/lib -l{name}"


class Dep:
    def __init__(self, name):
        self.name = name
        self.prefix = Prefix(f"/spack/{name}")
        self.mpicc = f"/spack/{name}/bin/mpicc"
        self.libs = Libs(self.prefix, name)

    def __getitem__(self, key):
        return self


class Variant:
    def __init__(self, value):
        self.value = value


class Spec:
    def __init__(self, enabled, cuda_arch=("90",)):
        self.enabled = set(enabled)
        self.variants = {"cuda_arch": Variant(cuda_arch)}

    def satisfies(self, s):
        s = s.strip()
        return s[1:] in self.enabled if s[0] == "+" else s[1:] not in self.enabled

    def __contains__(self, s):
        return self.satisfies(s)

    def __getitem__(self, name):
        return Dep(name)


def fake_spack():
    mod = types.ModuleType("spack.package")

    def directive(*a, **k):
        return None

    class Package:
        def with_or_without(self, name, activation_value=None):
            return [f"--with-{name}" if self.spec.satisfies("+" + name) else f"--without-{name}"]

        def enable_or_disable(self, name):
            return [f"--enable-{name}" if self.spec.satisfies("+" + name) else f"--disable-{name}"]

        def cuda_flags(self, arch):
            return [f"-gencode=arch=compute_{a},code=sm_{a}" for a in arch]

    for n in ("variant", "depends_on", "conflicts", "version", "maintainers", "license",
              "patch", "provides", "resource", "requires", "extends", "build_system"):
        setattr(mod, n, directive)
    mod.when = lambda *a, **k: contextlib.nullcontext()  # `with when("@main"):`
    mod.AutotoolsPackage = type("AutotoolsPackage", (Package,), {})
    mod.CudaPackage = type("CudaPackage", (Package,), {})
    mod.Executable = lambda *a, **k: (lambda *a, **k: None)
    mod.make = mod.which = directive
    spack = types.ModuleType("spack")
    spack.package = mod
    sys.modules["spack"] = spack
    sys.modules["spack.package"] = mod


def configure_with_options(path):
    with open(path) as f:
        return set(re.findall(r"AC_ARG_WITH\(\[([\w-]+)\]", f.read()))


def dynamic_errors(source, with_opts):
    errs = []
    fake_spack()
    ns = {}
    try:
        exec(compile(source, "package.py", "exec"), ns)
    except Exception as e:  # the recipe itself failed to load
        return [f"exec: {type(e).__name__}: {e}"]
    cls = ns.get("Wavebench")
    if cls is None:
        return ["exec: no class Wavebench"]
    for enabled in ([], ["curl"], ["cuda", "curl"], ["cuda", "nccl", "curl"]):
        pkg = cls.__new__(cls)
        pkg.spec = Spec(enabled)
        try:
            args = pkg.configure_args()
        except Exception as e:
            errs.append(f"configure_args({'+' + ' +'.join(enabled) if enabled else '~all'}): "
                        f"{type(e).__name__}: {e}")
            continue
        label = " ".join("+" + e for e in enabled) or "(no variants)"
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            errs.append(f"configure_args {label}: not a list of strings: {args!r}")
            continue
        if not any(re.match(r"^CC=\S*mpicc$", a) for a in args):
            errs.append(f"configure_args {label}: no CC=<mpi>/mpicc in {args}")
        for a in args:
            m = re.match(r"^--with(?:out)?-([\w-]+)", a)
            if m and m.group(1) not in with_opts:
                errs.append(f"configure_args {label}: {a}: configure.ac has no --with-{m.group(1)}")
        for v in ("cuda", "nccl", "curl"):
            on = any(a.startswith(f"--with-{v}") for a in args)
            if on != (v in enabled):
                errs.append(f"configure_args {label}: --with-{v} {'given' if on else 'missing'}")
    return errs


def all_errors(source, with_opts):
    try:
        tree = ast.parse(source, "package.py")
    except SyntaxError as e:
        return [f"syntax: {e}"]
    errs = static_errors(tree)
    return errs + dynamic_errors(source, with_opts)


BROKEN = [
    ("not Python", lambda s: s.replace("def configure_args(self):", "def configure_args(self)"), "syntax"),
    ("MakefilePackage", lambda s: s.replace("class Wavebench(AutotoolsPackage,", "class Wavebench(MakefilePackage,"),
     "AutotoolsPackage"),
    ("no nccl variant", lambda s: re.sub(r'\n    variant\("nccl".*', "", s), "variant 'nccl'"),
    ("no curl variant", lambda s: re.sub(r'\n    variant\("curl".*', "", s), "variant 'curl'"),
    ("no MPI", lambda s: s.replace('    depends_on("mpi")\n', ""), "mpi"),
    ("serial HDF5", lambda s: s.replace('depends_on("hdf5@1.10:+mpi")', 'depends_on("hdf5@1.10:~mpi")'), "hdf5+mpi"),
    ("nccl without a when", lambda s: s.replace('depends_on("nccl@2.18:", when="+nccl")', 'depends_on("nccl@2.18:")'),
     "nccl"),
    ("no +nccl/~cuda conflict", lambda s: re.sub(r'\n    conflicts\("\+nccl".*', "", s), "conflicts"),
    ("CC not mpicc", lambda s: s.replace('"CC={0}".format(spec["mpi"].mpicc)', '"CC=gcc"'), "CC="),
    ("no Spack 1.x build-system import", lambda s: s.replace(
        "from spack_repo.builtin.build_systems.autotools import AutotoolsPackage", "pass"), "Spack 1.x"),
    ("hdf5 ~fortran", lambda s: s.replace('depends_on("hdf5@1.10:+mpi")', 'depends_on("hdf5@1.10:+mpi~fortran")'),
     "~fortran"),
    ("no release url", lambda s: re.sub(r'\n    url = .*', "", s), "release tarball"),
    ("an option configure.ac lacks", lambda s: s.replace('"--with-nccl={0}"', '"--with-xccl={0}"'), "--with-xccl"),
]


def main():
    v = Verdicts()
    report = v.report

    with open(RECIPE) as f:
        source = f.read()
    with_opts = configure_with_options(CONFIGURE_AC)
    if not with_opts:
        report(False, f"no AC_ARG_WITH options found in {CONFIGURE_AC}")
    errs = all_errors(source, with_opts)
    report(not errs, "packaging/spack/package.py is a valid AutotoolsPackage recipe", errs)
    for name, change, expect in BROKEN:
        broken = change(source)
        if broken == source:
            report(False, f"broken copy '{name}' could not be made")
            continue
        v.rejects(name, all_errors(broken, with_opts), expect)
    return v.finish()


if __name__ == "__main__":
    sys.exit(main())
