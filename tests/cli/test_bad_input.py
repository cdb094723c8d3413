#!/usr/bin/python3
"""Bad input, exhaustively: every configuration key (from `wavebench --list-keys`), as a
command-line option and as an INI key, with each kind of bad value that applies to its
type, plus the structural errors (unknown key or section, duplicates, missing, unreadable
or directory config file, conflicting values, output in a missing directory).

Every case must give exit 2 on every rank, exactly one error line (from rank 0) that
names the key, nothing on stdout, no file left behind, and no hang (timeout). All cases
run at np 1; at np 2 and 4 every key once as an option and once in a file, and every
structural case. With WB_BAD_INPUT_SAMPLE=1 (the sanitizer build, where each run is slow)
only that sample runs, at np 1, 2 and 4. mpirun runs with orte_abort_on_non_zero_status 0 so that each rank's own
exit code is recorded (tests/cli/rank_rc.sh) instead of mpirun's verdict.
"""
import concurrent.futures
import os
import shutil
import stat
import subprocess
import sys
import tempfile

WAVEBENCH = os.environ["WAVEBENCH"]
MPIRUN = os.environ.get("MPIRUN", "mpirun")
RANK_RC = os.path.join(os.environ["WB_SRCDIR"], "tests/cli/rank_rc.sh")
TIMEOUT = 60


def keys():
    out = subprocess.run([WAVEBENCH, "--list-keys"], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("#"):
            continue
        section, key, option, typ, lo, hi, choices, default = line.split("\t")
        rows.append(dict(section=section, key=key, option=option, type=typ.split("|")[0],
                         flags=typ.split("|")[1:], lo=lo, hi=hi, choices=choices, default=default))
    return rows


def bad_values(k):
    """(label, value) pairs that must be refused for key k."""
    t = k["type"]
    if t in ("int", "size"):
        vals = [("not a number", "abc"), ("trailing garbage", "12x"), ("empty", ""),
                ("overflow", "99999999999999999999999")]
        lo, hi = float(k["lo"]), float(k["hi"])
        if lo > -1e18:
            vals.append(("below range", str(int(lo) - 1)))
        if hi < 1e18:
            vals.append(("above range", str(int(hi) + 1)))
        vals.append(("fraction", "1.5") if t == "int" else ("bad suffix", "4Q"))
        if lo >= 0 and ("below range", "-1") not in vals:
            vals.append(("negative", "-1"))
        return vals
    if t == "double":
        vals = [("not a number", "abc"), ("trailing garbage", "1.5x"), ("empty", ""),
                ("overflow", "1e999")]
        lo, hi = float(k["lo"]), float(k["hi"])
        vals.append(("below range", repr(lo - max(1.0, abs(lo)))))
        vals.append(("above range", repr(hi * 10)))
        return vals
    if t == "bool":
        return [("not a boolean", "maybe"), ("empty", ""), ("number", "2")]
    if t == "enum":
        return [("unknown value", "bogus"), ("empty", ""), ("list", k["choices"])]
    if t == "set":
        first = k["choices"].split(",")[0]
        return [("unknown value", "bogus"), ("empty", ""), ("trailing comma", first + ",")]
    # Strings: only those whose content is checked.
    return {"output_dir": [("missing directory", "/nonexistent/wb"), ("empty", "")],
            "output": [("a path, not a name", "sub/run.h5")],
            "resume": [("missing file", "/nonexistent/ckpt.h5")]}.get(k["key"], [])


class Case:
    def __init__(self, name, needle, args=(), ini=None, setup=None):
        self.name, self.needle, self.args, self.ini, self.setup = name, needle, list(args), ini, setup


def cases(rows):
    """All cases, and the sample that also runs at np 2 and 4 (two per key)."""
    all_cases, sample = [], []
    for k in rows:
        mine = []
        for i, (label, value) in enumerate(bad_values(k)):
            if k["option"] != "-":
                mine.append(Case(f"--{k['option']} {label} '{value}'", k["option"],
                                 [f"--{k['option']}={value}"]))
            # The file form shares the parser with the option: two values per key suffice.
            if i < 2 or k["option"] == "-":
                mine.append(Case(f"[{k['section']}] {k['key']} {label} '{value}'", k["key"],
                                 ini=f"[{k['section']}]\n{k['key']} = {value}\n"))
        sample += [c for c in mine if c.args][:1] + [c for c in mine if c.ini][:1]
        # Duplicates, with valid values (the default): twice as an option, twice in a file.
        good = k["default"]
        if k["option"] != "-":
            mine.append(Case(f"--{k['option']} twice", "more than once",
                             [f"--{k['option']}={good}", f"--{k['option']}={good}"]))
        mine.append(Case(f"[{k['section']}] {k['key']} duplicate", "duplicate",
                         ini=f"[{k['section']}]\n{k['key']} = {good}\n{k['key']} = {good}\n"))
        if k["type"] != "bool" and k["option"] != "-":
            mine.append(Case(f"--{k['option']} missing value", k["option"], [f"--{k['option']}"]))
        all_cases += mine
    for section in sorted({k["section"] for k in rows}):
        all_cases.append(Case(f"[{section}] unknown key", "nope", ini=f"[{section}]\nnope = 1\n"))
    structural = [
        Case("unknown section", "turbo", ini="[turbo]\nx = 1\n"),
        Case("not INI", "line 2", ini="[run]\nthis is not ini\n"),
        Case("key outside a section", "unknown section", ini="quiet = true\n"),
        Case("missing config", "--config", ["--config", "/nonexistent/wb.ini"]),
        Case("directory as config", "directory", ["--config", "/tmp"]),
        Case("unreadable config", "--config", setup="unreadable"),
        Case("config given twice", "more than once", setup="twice"),
        Case("empty config name", "--config", ["--config="]),
        Case("min > max", "min_bytes", ["-b", "1M", "-e", "1K"]),
        Case("slice stop < start", "slice_stop", ["--slice-start", "10", "--slice-stop", "5"]),
        Case("no suites in file", "suites", ini="[run]\nsuites =\n"),
        Case("all loss weights zero", "w_pde", ["--w-pde=0", "--w-ic=0", "--w-ict=0", "--w-bc=0"]),
        Case("push required without URL", "push_required", ["--push-required"]),
        Case("root not a rank", "root", ["--root", "9", "--suite", "collectives"]),
        Case("unknown option", "--bogus", ["--bogus"]),
        Case("unknown short option", "-Z", ["-Z"]),
        Case("stray argument", "stray", ["stray"]),
    ]
    return all_cases + structural, sample + structural


def run(case, np):
    work = tempfile.mkdtemp(prefix="wb-bad-")
    out = os.path.join(work, "out")
    rcdir = os.path.join(work, "rc")
    os.mkdir(out)
    os.mkdir(rcdir)
    args = list(case.args)
    if case.ini is not None:
        path = os.path.join(work, "case.ini")
        with open(path, "w") as f:
            f.write(case.ini)
        args += ["--config", path]
    if case.setup == "twice":
        path = os.path.join(work, "empty.ini")
        open(path, "w").close()
        args += ["--config", path, "--config", path]
    if case.setup == "unreadable":
        path = os.path.join(work, "secret.ini")
        with open(path, "w") as f:
            f.write("[run]\nquiet = true\n")
        os.chmod(path, 0)
        args += ["--config", path]
        if os.geteuid() == 0:  # root reads anything: make it unreadable by being a directory-less path
            args[-1] = os.path.join(path, "inner.ini")
    # A file that sets output_dir must not be overridden by the option: it runs in work.
    where = [] if case.ini and "output_dir" in case.ini else ["--output-dir", out]
    cmd = [MPIRUN, "-q", "--oversubscribe", "--mca", "orte_abort_on_non_zero_status", "0",
           "-x", "WB_RC_DIR", "-np", str(np), "sh", RANK_RC, WAVEBENCH] + where + args
    # Many oversubscribed ranks at once: yield instead of spinning while waiting.
    env = dict(os.environ, WB_RC_DIR=rcdir, OMPI_MCA_mpi_yield_when_idle="1")
    problems = []
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=work)
        rcs = {}
        for r in range(np):
            try:
                rcs[r] = open(os.path.join(rcdir, f"rc.{r}")).read().strip()
            except OSError:
                rcs[r] = "missing"
        if any(v != "2" for v in rcs.values()):
            problems.append(f"exit codes {rcs}, not 2 on every rank")
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        if len(lines) != 1:
            problems.append(f"{len(lines)} error lines: {lines[:4]}")
        elif not lines[0].startswith("wavebench: error: ") or case.needle not in lines[0]:
            problems.append(f"error line does not name '{case.needle}': {lines[0]}")
        if p.stdout.strip():
            problems.append(f"stdout not empty: {p.stdout[:200]!r}")
        left = os.listdir(out) + [f for f in os.listdir(work) if f.endswith(".h5")]
        if left:
            problems.append(f"files left behind: {left}")
    except subprocess.TimeoutExpired:
        problems.append("hung (timeout)")
    finally:
        for root, dirs, files in os.walk(work):
            for name in files:
                try:
                    os.chmod(os.path.join(root, name), stat.S_IRUSR | stat.S_IWUSR)
                except OSError:
                    pass
        shutil.rmtree(work, ignore_errors=True)
    return case, np, problems


def main():
    all_cases, sample = cases(keys())
    if os.environ.get("WB_BAD_INPUT_SAMPLE") == "1":
        all_cases = sample
    jobs = [(c, 1) for c in all_cases] + [(c, np) for np in (2, 4) for c in sample]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for case, np, problems in pool.map(lambda j: run(*j), jobs):
            if problems:
                failed += 1
                print(f"FAIL np {np}: {case.name}: {'; '.join(problems)}")
    print(f"{len(jobs)} cases tried ({len(all_cases)} at np 1, {len(sample)} at np 2 and at np 4), "
          f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
