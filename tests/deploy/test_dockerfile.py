#!/usr/bin/python3
"""test_dockerfile.py: the Dockerfile is right by construction (there is no
Docker engine here), so parse it the way BuildKit's frontend does (comments,
line continuations, instructions, stages, ARG substitution in FROM) and check:

  - structure: known instructions only, FROM first, two or more stages,
    COPY --from naming an earlier stage, HEALTHCHECK (none needed for a
    batch container) well-formed if present, no ENTRYPOINT (the MPIJob's
    commands replace CMD);
  - two flavours from ARG FLAVOUR (default cuda), each followed from the final
    stage through FROM <stage> (FROM mpi-${FLAVOUR}): cuda builds on a CUDA
    devel image and ends on a CUDA runtime image; cpu uses Debian bookworm
    only, Debian's Open MPI, UCX, parallel HDF5, OpenBLAS, jansson, libcurl,
    and configures wavebench --without-cuda; both build wavebench in the one
    shared stage (the ENV of its chain gives the flavour's configure flags);
  - base images pinned by a tag (not `latest`) or a digest;
  - the final stage runs as a non-root USER;
  - no secrets baked in: no ENV/ARG named like PASSWORD/TOKEN/SECRET/KEY,
    no private keys or key files copied, no ssh-keygen in the final stage;
  - the build: UCX with CUDA, Open MPI with CUDA and UCX, parallel HDF5,
    NCCL, libcurl, OpenBLAS, jansson, wavebench configured with them;
  - the runtime (each flavour): no compilers, sshd as the MPI Operator expects
    (port 2222, StrictHostKeyChecking no, UserKnownHostsFile /dev/null,
    StrictModes no, a per-user sshd config), `wavebench` and the MPIJob's
    wrappers `wavebench-launch`, `wavebench-worker` on PATH, a non-root USER;
  - .dockerignore keeps .git and build outputs out of the context.
The shipped Dockerfile must pass; each deliberately broken copy must be
rejected for the reason it was broken.
"""
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdicts import Verdicts  # noqa: E402

SRCDIR = os.environ.get("WB_SRCDIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
DOCKERFILE = os.path.join(SRCDIR, "Dockerfile")
DOCKERIGNORE = os.path.join(SRCDIR, ".dockerignore")

INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
                "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER"}
SECRET_NAME = re.compile(r"PASSW(OR)?D|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL",
                         re.IGNORECASE)
KEY_FILE = re.compile(r"(^|/)(id_(rsa|dsa|ecdsa|ed25519)|[^/\s]*\.pem|[^/\s]*\.key|\.netrc|\.npmrc|"
                      r"\.pypirc|\.docker/config\.json|\.aws/credentials)$")


# ---------------------------------------------------------------- parser --
class Instr:
    def __init__(self, lineno, cmd, rest):
        self.lineno, self.cmd, self.rest = lineno, cmd, rest

    def __repr__(self):
        return f"{self.lineno}: {self.cmd} {self.rest[:60]}"


def parse(text):
    """-> (instructions, errors). Handles parser directives, comments,
    backslash continuations (with comment lines inside them) and heredocs."""
    instrs, errs = [], []
    escape = "\\"
    lines = text.splitlines()
    i = 0
    # Parser directives: only at the very top, `# name=value`.
    while i < len(lines):
        m = re.match(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$", lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape":
            escape = m.group(2)
        i += 1
    buf, start = "", None
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment lines inside a continuation are dropped
        if start is None:
            start = i
        if line.rstrip().endswith(escape):
            buf += line.rstrip()[:-1] + " "
            if i == len(lines):
                errs.append(f"line {start}: continuation at end of file")
            continue
        buf += line
        m = re.match(r"^\s*(\S+)\s*(.*)$", buf, re.S)
        cmd, rest = m.group(1).upper(), m.group(2).strip()
        # Heredoc (RUN <<EOF ... EOF): swallow the body.
        hd = re.search(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?", rest)
        if hd and cmd in ("RUN", "COPY", "ADD"):
            body = []
            while i < len(lines) and lines[i].strip() != hd.group(1):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                errs.append(f"line {start}: heredoc {hd.group(1)} not closed")
            i += 1
            rest += "\n" + "\n".join(body)
        if cmd not in INSTRUCTIONS:
            errs.append(f"line {start}: unknown instruction {m.group(1)!r}")
        instrs.append(Instr(start, cmd, rest))
        buf, start = "", None
    return instrs, errs


def substitute(word, args):
    """${VAR}, $VAR, ${VAR:-default} with the given ARG values."""
    def rep(m):
        name = m.group(1) or m.group(3)
        default = m.group(2)
        v = args.get(name)
        return v if v else (default or "")
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)", rep, word)


def kv_pairs(rest):
    """ENV/ARG/LABEL: `K=V K2=V2`, or legacy `K V`."""
    try:
        words = shlex.split(rest, posix=True)
    except ValueError:
        return []
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [tuple(w.split("=", 1)) if "=" in w else (w, None) for w in words]


class Stage:
    def __init__(self, index, image, name):
        self.index, self.image, self.name = index, image, name
        self.instrs = []

    def runs(self):
        return "\n".join(i.rest for i in self.instrs if i.cmd == "RUN")

    def of(self, cmd):
        return [i for i in self.instrs if i.cmd == cmd]


def stages_of(instrs):
    global_args, stages, errs = {}, [], []
    for ins in instrs:
        if ins.cmd == "FROM":
            words = ins.rest.split()
            flags = [w for w in words if w.startswith("--")]
            words = [w for w in words if not w.startswith("--")]
            if not words:
                errs.append(f"line {ins.lineno}: FROM without an image")
                continue
            image = substitute(words[0], global_args)
            raw = words[0]
            name = None
            if len(words) == 3 and words[1].upper() == "AS":
                name = words[2].lower()
            elif len(words) != 1:
                errs.append(f"line {ins.lineno}: FROM syntax: {ins.rest!r}")
            for f in flags:
                if not f.startswith("--platform="):
                    errs.append(f"line {ins.lineno}: unknown FROM flag {f}")
            stages.append(Stage(len(stages), image, name))
            stages[-1].raw_image = raw
        elif not stages:
            if ins.cmd != "ARG":
                errs.append(f"line {ins.lineno}: {ins.cmd} before the first FROM (only ARG may be)")
            for k, v in kv_pairs(ins.rest):
                global_args[k] = v or ""
        else:
            stages[-1].instrs.append(ins)
    return stages, errs


# ---------------------------------------------------------------- checks --
def pinned(image):
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return bool(tag) and tag != "latest" and "$" not in tag


def env_path_of(chain):
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    for e in [e for s in chain for e in s.of("ENV")]:
        for k, v in kv_pairs(e.rest):
            if k == "PATH" and v:
                path = v.replace("$PATH", path).replace("${PATH}", path)
    return [p for p in path.split(":") if p]


def copy_dest(ins):
    words = [w for w in shlex.split(ins.rest) if not w.startswith("--")]
    return words[-1] if len(words) >= 2 else None, words[:-1]


def stage_global_args(instrs):
    out = {}
    for ins in instrs:
        if ins.cmd == "FROM":
            break
        if ins.cmd == "ARG":
            for k, v in kv_pairs(ins.rest):
                out[k] = v or ""
    return out


def from_chain(stages, names, stage, args):
    """The stages a stage is built on, root first: FROM <earlier stage> is followed
    (with the build arguments substituted, as FROM mpi-${FLAVOUR} needs)."""
    chain, seen = [stage], {stage.index}
    while True:
        ref = substitute(chain[0].raw_image, args).lower()
        idx = names.get(ref)
        if idx is None or idx in seen or idx >= chain[0].index:
            return chain, substitute(chain[0].raw_image, args)
        chain.insert(0, stages[idx])
        seen.add(idx)


def used_stages(stages, names, final, args):
    """-> (final's chain, every stage the flavour builds, its base images)."""
    fchain, _ = from_chain(stages, names, final, args)
    todo, used, bases = list(fchain), {}, set()
    while todo:
        s = todo.pop()
        if s.index in used:
            continue
        chain, base = from_chain(stages, names, s, args)
        bases.add(base)
        for c in chain:
            used.setdefault(c.index, c)
            for cp in c.of("COPY"):
                m = re.search(r"--from=(\S+)", cp.rest)
                if m:
                    ref = m.group(1).lower()
                    idx = int(ref) if ref.isdigit() else names.get(ref)
                    if idx is not None and idx < c.index:
                        todo.append(stages[idx])
    return fchain, [used[i] for i in sorted(used)], bases


def env_of_chain(chain):
    env = {}
    for s in chain:
        for e in s.of("ENV") + s.of("ARG"):
            for k, v in kv_pairs(e.rest):
                if v is not None:
                    env[k] = substitute(v, env)
    return env


FLAVOURS = ("cuda", "cpu")


def check(dockerfile_text, dockerignore_text):
    errs = []
    instrs, perrs = parse(dockerfile_text)
    errs += [f"structure: {e}" for e in perrs]
    if not instrs:
        return ["structure: no instructions"]
    stages, serrs = stages_of(instrs)
    errs += [f"structure: {e}" for e in serrs]
    if len(stages) < 2:
        return errs + [f"structure: {len(stages)} stage(s); a build and a runtime stage are needed"]
    gargs = stage_global_args(instrs)
    names = {}
    for s in stages:
        if s.name:
            if s.name in names:
                errs.append(f"structure: stage name {s.name!r} used twice")
            names[s.name] = s.index
    final = stages[-1]
    if "FLAVOUR" not in gargs:
        errs.append("flavours: no global ARG FLAVOUR (cuda, cpu) choosing the stages")
    elif gargs["FLAVOUR"] != "cuda":
        errs.append(f"flavours: the default FLAVOUR is {gargs['FLAVOUR']!r}, not cuda")

    # Base images pinned, for every flavour's substitution (stage references excepted).
    for s in stages:
        for fl in FLAVOURS:
            img = substitute(s.raw_image, dict(gargs, FLAVOUR=fl))
            if img.lower() in names:
                continue
            if not pinned(img):
                errs.append(f"pinning: FROM {img!r} is not pinned by a tag other than latest (or a digest)")
                break

    # COPY --from must name an earlier stage (or an image, which we refuse:
    # everything the runtime gets should come from this build).
    for s in stages:
        for c in s.of("COPY"):
            m = re.search(r"--from=(\S+)", c.rest)
            if not m:
                continue
            ref = m.group(1).lower()
            idx = int(ref) if ref.isdigit() else names.get(ref)
            if idx is None or idx >= s.index:
                errs.append(f"structure: line {c.lineno}: COPY --from={ref} is not an earlier stage")
        for h in s.of("HEALTHCHECK"):
            if not re.match(r"^(NONE|(--\S+\s+)*CMD\s+\S)", h.rest):
                errs.append(f"structure: line {h.lineno}: HEALTHCHECK must be NONE or [options] CMD ...")
        for a in s.of("ADD"):
            if re.search(r"https?://", a.rest) and "--checksum=" not in a.rest:
                errs.append(f"structure: line {a.lineno}: ADD of a URL without --checksum")
        for r in s.of("RUN"):
            if "apt-get install" in r.rest and "apt-get update" not in r.rest:
                errs.append(f"structure: line {r.lineno}: apt-get install without apt-get update in the same RUN")
    for s in stages[:-1]:
        if s.name is None:
            errs.append(f"structure: build stage {s.index} ({s.image}) has no name (FROM ... AS name)")

    # Secrets, in every stage.
    for s in stages:
        for ins in s.of("ENV") + s.of("ARG"):
            for k, v in kv_pairs(ins.rest):
                if SECRET_NAME.search(k):
                    errs.append(f"secrets: line {ins.lineno}: {ins.cmd} {k} looks like a secret")
        for ins in s.of("COPY") + s.of("ADD"):
            _, srcs = copy_dest(ins)
            for src in srcs:
                if KEY_FILE.search(src):
                    errs.append(f"secrets: line {ins.lineno}: copies key or credential file {src}")
    if re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----", dockerfile_text):
        errs.append("secrets: a private key is written into the Dockerfile")

    # Each flavour: the stages it builds, from the final stage back.
    wb_build = {}
    for fl in FLAVOURS:
        args = dict(gargs, FLAVOUR=fl)
        fchain, used, bases = used_stages(stages, names, final, args)
        runtime_base = substitute(fchain[0].raw_image, args)
        fin = "\n".join(i.rest for s in fchain for i in s.of("RUN"))
        build_stages = [s for s in used if s not in fchain]
        build_runs = [i.rest for s in build_stages for i in s.of("RUN")]
        b = "\n".join(build_runs)
        # The RUN that builds wavebench, with the ENV of its stage's chain expanded.
        wb = [(s, i) for s in build_stages for i in s.of("RUN") if "autogen.sh" in i.rest]
        wb_run = ""
        if wb:
            s, i = wb[0]
            chain, build_base = from_chain(stages, names, s, args)
            wb_run = substitute(i.rest, env_of_chain(chain))
            wb_build[fl] = s.index
        else:
            build_base = ""
            errs.append(f"build ({fl} flavour): no stage runs ./autogen.sh and configure for wavebench")

        def configured(component, *flags, runs=build_runs):
            rs = [r for r in runs if component in r.lower() and "configure" in r]
            # A flag must stand alone: --with-cuda is not --with-cuda-libdir.
            pats = [re.compile(re.escape(f) + r"(?![\w-])") for f in flags]
            return any(all(p.search(r) for p in pats) for r in rs)

        if fl == "cuda":
            if not re.search(r"cuda:.*devel", build_base):
                errs.append(f"structure: the build stage {build_base!r} is not a CUDA devel image")
            if not re.search(r"cuda:.*(runtime|base)", runtime_base) or "devel" in runtime_base:
                errs.append(f"structure: the final stage {runtime_base!r} is not a CUDA runtime image")
            need_build = [
                (configured("ucx", "--with-cuda"), "UCX built --with-cuda"),
                (configured("openmpi", "--with-cuda", "--with-ucx"), "Open MPI built --with-cuda and --with-ucx"),
                (configured("hdf5", "--enable-parallel", "CC=mpicc"), "HDF5 built --enable-parallel with mpicc"),
                (configured("autogen.sh", "CC=mpicc", "--with-cuda", "--with-nccl", "--with-curl",
                            runs=[wb_run]),
                 "wavebench configured CC=mpicc --with-cuda --with-nccl --with-curl"),
                ("libopenblas-dev" in b, "OpenBLAS (libopenblas-dev)"),
                ("libjansson-dev" in b, "jansson (libjansson-dev)"),
                (re.search(r"libcurl4-\w+-dev", b), "libcurl (libcurl4-*-dev)"),
            ]
        else:
            for base in sorted(bases):
                if "nvidia" in base or "cuda" in base:
                    errs.append(f"cpu flavour: built on {base!r}; it must use a plain Debian base only")
            for what, img in (("build", build_base), ("final", runtime_base)):
                if not re.match(r"^(localhost/|docker\.io/(library/)?)?debian:bookworm", img):
                    errs.append(f"cpu flavour: the {what} stage {img!r} is not Debian bookworm")
            need_build = [
                (configured("autogen.sh", "CC=mpicc", "--without-cuda", runs=[wb_run]),
                 "cpu flavour: wavebench configured CC=mpicc --without-cuda"),
                (not re.search(r"--with-cuda(?![\w-])|--with-nccl(?![\w-])", wb_run),
                 "cpu flavour: wavebench configured without CUDA and NCCL"),
                (not configured("openmpi") and not configured("ucx"),
                 "cpu flavour: Debian's Open MPI and UCX (no source build)"),
            ] + [(re.search(rf"\s{re.escape(p)}(\s|$)", b), f"cpu flavour: {p} from Debian")
                 for p in ("libopenmpi-dev", "libhdf5-openmpi-dev", "libucx-dev", "libopenblas-dev",
                           "libjansson-dev", "libcurl4-openssl-dev")]
        need_build.append((re.search(r"make[^\n]*install", wb_run), "make install"))
        for ok, what in need_build:
            if not ok:
                errs.append(f"build: missing {what}")

        tag = f"({fl} flavour) "
        # Non-root user in the final stage.
        users = [u for s in fchain for u in s.of("USER")]
        user = users[-1].rest.split(":")[0].strip() if users else None
        if user is None:
            errs.append(f"user: {tag}the final stage has no USER: it would run as root")
        elif user in ("root", "0"):
            errs.append(f"user: {tag}the final stage's last USER is {user}")
        if re.search(r"\bssh-keygen\b", fin):
            errs.append("secrets: ssh-keygen in the final stage bakes one key into every container")

        # The runtime: only what is needed; sshd for the MPI Operator.
        for pkg in ("build-essential", "gcc", "g++", "cmake", "autoconf", "automake"):
            if re.search(rf"apt-get install[^\n]*\s{re.escape(pkg)}(\s|$)", fin):
                errs.append(f"runtime: {tag}installs build tool {pkg}")
        if re.search(r"apt-get install[^\n]*\slib\S+-dev(\s|$)", fin):
            errs.append(f"runtime: {tag}installs -dev packages")
        if "openssh-server" not in fin:
            errs.append(f"sshd: {tag}openssh-server not installed in the final stage")
        ssh_rules = [
            (r"StrictHostKeyChecking[^\n]*no", "StrictHostKeyChecking no"),
            (r"UserKnownHostsFile /dev/null", "UserKnownHostsFile /dev/null"),
            (r"StrictModes[^\n]*no", "StrictModes no"),
            (r"(Port[^\n]*2222|SSH_PORT)", "port 2222"),
            (r"\.sshd_config", "a per-user sshd config (PidFile, HostKey) for a non-root sshd"),
        ]
        for pat, what in ssh_rules:
            if not re.search(pat, fin):
                errs.append(f"sshd: {tag}missing {what}")
        port = [v for s in fchain for a in s.of("ARG") for k, v in kv_pairs(a.rest) if k == "SSH_PORT"]
        if port and port[0] != "2222":
            errs.append(f"sshd: SSH_PORT {port[0]} is not 2222, the MPI Operator's port")
        if re.search(r"Port[^\n$]*\b22\b(?!2)", fin):
            errs.append("sshd: port 22 configured; the MPI Operator uses 2222")

        # wavebench, its launcher and worker wrappers (jobs/mpijob.yaml's commands) on PATH.
        path = env_path_of(fchain)
        for prog in ("wavebench", "wavebench-launch", "wavebench-worker"):
            on_path = False
            for s in fchain:
                for c in s.of("COPY"):
                    dest, srcs = copy_dest(c)
                    if not dest or not any(os.path.basename(x) == prog or
                                           (prog == "wavebench" and "wavebench" in x and
                                            x.rstrip("/").endswith("/bin")) for x in srcs):
                        continue
                    d = dest.rstrip("/")
                    if (d.endswith("/" + prog) and os.path.dirname(d) in path) or d in path:
                        on_path = True
            if not on_path:
                errs.append(f"path: {tag}{prog} is not copied into a directory on PATH ({':'.join(path)})")
        if not [i for s in fchain for i in s.of("CMD") + s.of("ENTRYPOINT")]:
            errs.append(f"structure: {tag}the final stage has no CMD or ENTRYPOINT")
        if [i for s in fchain for i in s.of("ENTRYPOINT")]:
            errs.append(f"structure: {tag}an ENTRYPOINT: the MPIJob's command would run under it")
    if len(set(wb_build.values())) > 1:
        errs.append("flavours: the flavours build wavebench in different stages; share one")

    # The build context.
    if dockerignore_text is None:
        errs.append("context: no .dockerignore")
    else:
        pats = {p.strip().lstrip("/") for p in dockerignore_text.splitlines()
                if p.strip() and not p.startswith("#")}
        for p in (".git", "**/*.o", "**/*.h5"):
            if p not in pats:
                errs.append(f"context: .dockerignore does not exclude {p}")
        if "Makefile.am" in pats or "configure.ac" in pats or "src" in pats:
            errs.append("context: .dockerignore excludes sources the build needs")
    return errs


# ------------------------------------------------------------ mutations --
def sub(pattern, repl, count=1):
    def f(t):
        out, n = re.subn(pattern, repl, t, count=count, flags=re.M)
        if n == 0:
            raise ValueError(f"pattern {pattern!r} not found")
        return out
    return f


def drop_lines(pattern):
    def f(t):
        kept = [l for l in t.splitlines() if not re.search(pattern, l)]
        if len(kept) == len(t.splitlines()):
            raise ValueError(f"no line matches {pattern!r}")
        return "\n".join(kept) + "\n"
    return f


def append(text):
    return lambda t: t + text


def single_stage(t):
    # One FROM (the CUDA runtime image) and every instruction after it in one stage.
    i = t.index("FROM nvidia/cuda:12.4.1-runtime")
    body = [l for l in t[i:].splitlines()[1:] if not l.startswith("FROM ")]
    return t[:re.search(r"^FROM ", t, re.M).start()] + t[i:].splitlines()[0] + "\n" + \
        "\n".join(body).replace("COPY --from=build", "COPY").replace("COPY --from=mpi-cuda", "COPY") + "\n"


# (name, change to the Dockerfile, change to .dockerignore, expected text)
BROKEN = [
    ("base image :latest", sub(r"^FROM nvidia/cuda:\S+ AS runtime", "FROM nvidia/cuda:latest AS runtime"),
     None, "pinning"),
    ("base image without a tag", sub(r"^FROM nvidia/cuda:\S+ AS mpi-cuda", "FROM nvidia/cuda AS mpi-cuda"),
     None, "pinning"),
    ("ARG-tagged base defaulting to latest",
     lambda t: "ARG CUDA_TAG=latest\n" + sub(r"^FROM nvidia/cuda:\S+ AS runtime",
                                             "FROM nvidia/cuda:${CUDA_TAG} AS runtime")(t), None, "pinning"),
    ("no USER (runs as root)", drop_lines(r"^USER "), None, "user"),
    ("USER root at the end", append("USER root\n"), None, "user"),
    ("ENV with a token", append("ENV HF_TOKEN=abc123\n"), None, "secrets"),
    ("ARG with a password", append("ARG DB_PASSWORD\n"), None, "secrets"),
    ("a private key copied in", append("COPY id_rsa /home/mpiuser/.ssh/id_rsa\n"), None, "secrets"),
    ("a private key in a heredoc",
     append("RUN <<EOF\necho '-----BEGIN OPENSSH PRIVATE KEY-----' > /tmp/k\nEOF\n"), None, "secrets"),
    ("host keys generated into the image", append("RUN ssh-keygen -A\n"), None, "ssh-keygen"),
    ("single stage", single_stage, None, "stage"),
    ("unknown instruction", append("RUNN echo hi\n"), None, "unknown instruction"),
    ("COPY --from a stage that does not exist",
     sub(r"COPY --from=mpi-cuda /opt/hdf5/lib", "COPY --from=builder /opt/hdf5/lib"), None, "COPY --from"),
    ("instruction before FROM", lambda t: "RUN true\n" + t, None, "before the first FROM"),
    ("StrictHostKeyChecking left on", drop_lines(r"StrictHostKeyChecking"), None, "StrictHostKeyChecking"),
    ("sshd on port 22", sub(r"^ARG SSH_PORT=2222", "ARG SSH_PORT=22"), None, "2222"),
    ("no openssh-server", sub(r"openssh-server ", ""), None, "openssh-server"),
    ("wavebench not on PATH",
     sub(r"COPY --from=build /opt/wavebench/bin/wavebench /usr/local/bin/wavebench",
         "COPY --from=build /opt/wavebench/bin/wavebench /opt/wb/wavebench"), None, "path"),
    ("Open MPI without CUDA", sub(r"--with-cuda=\$\{CUDA_HOME\} --with-cuda-libdir", "--with-cuda-libdir"),
     None, "Open MPI"),
    ("serial HDF5", sub(r"--enable-parallel ", ""), None, "HDF5"),
    ("compilers in the runtime",
     sub(r"openssh-server openssh-client", "openssh-server openssh-client build-essential", count=1),
     None, "build tool"),
    ("final stage on a devel image",
     sub(r"^FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime",
         "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS runtime"), None, "runtime image"),
    ("bad HEALTHCHECK", append("HEALTHCHECK --interval=5s wavebench --version\n"), None, "HEALTHCHECK"),
    ("ADD of a URL without checksum", append("ADD https://example.invalid/x.tar.gz /tmp/\n"), None, "ADD"),
    ("unterminated continuation", append("RUN echo a \\\n"), None, "continuation"),
    (".dockerignore lets .git in", None, drop_lines(r"^\.git$"), ".git"),
    # The two flavours.
    ("cpu flavour on an NVIDIA base",
     sub(r"^FROM localhost/debian:bookworm AS mpi-cpu", "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS mpi-cpu"),
     None, "cpu flavour"),
    ("cpu flavour configured with CUDA",
     sub(r'WB_CONFIGURE_FLAGS="--without-cuda --without-nccl', 'WB_CONFIGURE_FLAGS="--with-cuda --with-nccl'),
     None, "cpu flavour"),
    ("cpu flavour without Debian's HDF5", sub(r" libhdf5-openmpi-dev", ""), None, "libhdf5-openmpi-dev"),
    ("build stage not shared (cuda only)", sub(r"^FROM mpi-\$\{FLAVOUR\} AS build", "FROM mpi-cuda AS build"),
     None, "cpu flavour"),
    ("cpu runtime with -dev packages", sub(r"openmpi-bin libopenmpi3 ", "openmpi-bin libopenmpi-dev "),
     None, "-dev packages"),
    ("no FLAVOUR argument", drop_lines(r"^ARG FLAVOUR="), None, "FLAVOUR"),
    ("launcher wrapper not on PATH", drop_lines(r"^COPY jobs/wavebench-launch "), None, "wavebench-launch"),
    ("an ENTRYPOINT", append('ENTRYPOINT ["/bin/sh"]\n'), None, "ENTRYPOINT"),
]


def main():
    v = Verdicts()
    report = v.report

    with open(DOCKERFILE) as f:
        text = f.read()
    ignore = None
    if os.path.exists(DOCKERIGNORE):
        with open(DOCKERIGNORE) as f:
            ignore = f.read()

    errs = check(text, ignore)
    report(not errs, "Dockerfile and .dockerignore pass every check", errs)

    for name, df, di, expect in BROKEN:
        try:
            t = df(text) if df else text
            ig = di(ignore) if di else ignore
        except ValueError as e:
            report(False, f"broken copy '{name}' could not be made: {e}")
            continue
        v.rejects(name, check(t, ig), expect)
    return v.finish()


if __name__ == "__main__":
    sys.exit(main())
