#!/usr/bin/python3
"""test_mpijob.py: jobs/mpijob.yaml against the MPI Operator's MPIJob CRD.

Three layers, each as the cluster would apply it:
  1. the CRD's OpenAPI v3 schema (served version kubeflow.org/v2beta1),
     turned into JSON Schema the way the API server reads it: unknown fields
     rejected (kubectl's strict field validation), int32/int64 ranges,
     nullable, int-or-string, x-kubernetes-list-type map/set uniqueness;
  2. the controller's own validation (pkg/apis/kubeflow/validation in
     kubeflow/mpi-operator), after its defaulting: exactly one Launcher
     replica, Worker replicas >= 1, restartPolicy Never/OnFailure, at least one
     container, cleanPodPolicy None/Running/All, slotsPerWorker >= 0,
     sshAuthMountPath set, pod hostnames valid DNS labels;
  3. what wavebench's job needs: slotsPerWorker and cleanPodPolicy written out,
     mpirun given --hostfile /etc/mpi/hostfile (Open MPI 5 ignores the
     variable the operator sets), -np = workers x slots, one rank per GPU,
     the same pinned image everywhere, workers running sshd, the results
     directory a ReadWriteMany volume mounted on every pod.
The shipped file must pass; each deliberately broken copy must be rejected,
for the reason it was broken.

Needs python3-yaml and python3-jsonschema (scripts/install-deps.sh test).
"""
import copy
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdicts import Verdicts  # noqa: E402

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"FAIL: {e}: install python3-yaml and python3-jsonschema "
          "(scripts/install-deps.sh test)")
    sys.exit(1)

SRCDIR = os.environ.get("WB_SRCDIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
MPIJOB = os.path.join(SRCDIR, "jobs", "mpijob.yaml")
# The CRD from kubeflow/mpi-operator (manifests/base), kept unmodified here.
CRD = os.environ.get("WB_MPIJOB_CRD",
                     os.path.join(SRCDIR, "tests", "deploy", "data", "kubeflow.org_mpijobs.yaml"))

API_VERSION = "kubeflow.org/v2beta1"
HOSTFILE = "/etc/mpi/hostfile"
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


# ---------------------------------------------------------------- schema --
def served_schema(crd_path):
    """The openAPIV3Schema of the served v2beta1 version of the CRD."""
    with open(crd_path) as f:
        crd = yaml.safe_load(f)
    if crd.get("kind") != "CustomResourceDefinition" or \
            crd["spec"]["names"]["kind"] != "MPIJob":
        raise SystemExit(f"FAIL: {crd_path} is not the MPIJob CRD")
    group = crd["spec"]["group"]
    for v in crd["spec"]["versions"]:
        if f"{group}/{v['name']}" == API_VERSION and v.get("served"):
            return v["schema"]["openAPIV3Schema"]
    raise SystemExit(f"FAIL: {API_VERSION} is not served by {crd_path}")


def to_json_schema(node):
    """Structural OpenAPI v3 (Kubernetes flavour) -> JSON Schema draft 7."""
    if isinstance(node, list):
        return [to_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "description":
            continue
        if k in ("properties", "patternProperties"):
            out[k] = {name: to_json_schema(s) for name, s in v.items()}
        else:
            out[k] = to_json_schema(v)
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in out:
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    # Unknown fields are an error (kubectl apply's default strict field
    # validation) unless the schema keeps them.
    if out.get("type") == "object" and "properties" in out and \
            "additionalProperties" not in out and \
            not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    if node.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
    return out


def list_map_keys(validator, keys, instance, schema):
    """x-kubernetes-list-type: map: no two items share the same keys."""
    if not validator.is_type(instance, "array"):
        return
    seen = set()
    for item in instance:
        if not isinstance(item, dict):
            continue
        key = tuple(repr(item.get(k)) for k in keys)
        if key in seen:
            yield jsonschema.ValidationError(
                f"duplicate entry for map keys {keys}: {dict(zip(keys, key))}")
        seen.add(key)


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("int32")
def _int32(value):
    return not isinstance(value, int) or -2**31 <= value < 2**31


@FORMATS.checks("int64")
def _int64(value):
    return not isinstance(value, int) or -2**63 <= value < 2**63


def make_validator(crd_path):
    schema = to_json_schema(served_schema(crd_path))
    cls = jsonschema.validators.extend(
        jsonschema.Draft7Validator, {"x-kubernetes-list-map-keys": list_map_keys})
    return cls(schema, format_checker=FORMATS)


def schema_errors(validator, obj):
    errs = []
    for e in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in e.absolute_path) or "(root)"
        errs.append(f"schema: {path}: {e.message[:200]}")
    return errs


# ------------------------------------------------------------ controller --
def replica_specs(job):
    return (job.get("spec") or {}).get("mpiReplicaSpecs") or {}


def pod_spec(rspec):
    return ((rspec or {}).get("template") or {}).get("spec") or {}


def controller_errors(job):
    """The operator's ValidateMPIJob after SetDefaults_MPIJob."""
    errs = []
    if job.get("apiVersion") != API_VERSION:
        errs.append(f"controller: apiVersion {job.get('apiVersion')!r}: only {API_VERSION} is served")
    if job.get("kind") != "MPIJob":
        errs.append(f"controller: kind {job.get('kind')!r} is not MPIJob")
    spec = job.get("spec") or {}
    specs = replica_specs(job)
    for name in specs:
        if name not in ("Launcher", "Worker"):
            errs.append(f"controller: mpiReplicaSpecs.{name}: only Launcher and Worker exist")
    launcher = specs.get("Launcher")
    if launcher is None:
        errs.append("controller: mpiReplicaSpecs.Launcher: must have Launcher replica spec")
    else:
        if launcher.get("replicas", 1) != 1:
            errs.append(f"controller: mpiReplicaSpecs.Launcher.replicas: {launcher.get('replicas')}: must be 1")
        if launcher.get("restartPolicy", "OnFailure") not in ("Never", "OnFailure"):
            errs.append(f"controller: mpiReplicaSpecs.Launcher.restartPolicy: "
                        f"{launcher.get('restartPolicy')!r} not in Never, OnFailure")
        if not pod_spec(launcher).get("containers"):
            errs.append("controller: mpiReplicaSpecs.Launcher.template.spec.containers: must define at least one container")
    worker = specs.get("Worker")
    workers = 0
    if worker is not None:
        workers = worker.get("replicas", 0)
        if not isinstance(workers, int) or workers <= 0:
            errs.append(f"controller: mpiReplicaSpecs.Worker.replicas: {workers}: must be greater than or equal to 1")
        if worker.get("restartPolicy", "Never") not in ("Never", "OnFailure"):
            errs.append(f"controller: mpiReplicaSpecs.Worker.restartPolicy: "
                        f"{worker.get('restartPolicy')!r} not in Never, OnFailure")
        if not pod_spec(worker).get("containers"):
            errs.append("controller: mpiReplicaSpecs.Worker.template.spec.containers: must define at least one container")
    slots = spec.get("slotsPerWorker", 1)
    if isinstance(slots, int) and slots < 0:
        errs.append(f"controller: slotsPerWorker: {slots}: must be greater than or equal to 0")
    policy = (spec.get("runPolicy") or {}).get("cleanPodPolicy", "None")
    if policy not in ("None", "Running", "All"):
        errs.append(f"controller: runPolicy.cleanPodPolicy: {policy!r} not in None, Running, All")
    for k in ("ttlSecondsAfterFinished", "activeDeadlineSeconds", "backoffLimit"):
        v = (spec.get("runPolicy") or {}).get(k)
        if isinstance(v, int) and v < 0:
            errs.append(f"controller: runPolicy.{k}: {v}: must be greater than or equal to 0")
    if spec.get("sshAuthMountPath", "/root/.ssh") == "":
        errs.append("controller: sshAuthMountPath: must have a mount path for SSH credentials")
    name = (job.get("metadata") or {}).get("name", "")
    if not name or len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        errs.append(f"controller: metadata.name {name!r} is not a DNS-1123 subdomain")
    last = f"{name}-worker-{max(workers if isinstance(workers, int) else 1, 1) - 1}"
    if len(last) > 63 or not DNS1123_LABEL.match(last):
        errs.append(f"controller: metadata.name: pod hostname {last!r} would not be a valid DNS label")
    return errs


# -------------------------------------------------------------- wavebench --
def main_container(rspec):
    containers = pod_spec(rspec).get("containers") or []
    return containers[0] if containers else {}


def argv(container):
    return list(container.get("command") or []) + [str(a) for a in container.get("args") or []]


def option(args, name):
    """Value of `name V` or `name=V` in args, or None."""
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def mounts(rspec):
    """mountPath -> claimName (or volume kind) of the main container."""
    vols = {v.get("name"): v for v in pod_spec(rspec).get("volumes") or []}
    out = {}
    for m in main_container(rspec).get("volumeMounts") or []:
        v = vols.get(m.get("name"), {})
        claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
        out[m.get("mountPath")] = claim or ("emptyDir" if "emptyDir" in v else None)
    return out


def wavebench_errors(job, others):
    """What jobs/mpijob.yaml must hold for wavebench to run and keep results."""
    errs = []
    spec = job.get("spec") or {}
    specs = replica_specs(job)
    launcher, worker = specs.get("Launcher"), specs.get("Worker")
    if launcher is None or worker is None:
        return ["wavebench: needs a Launcher and Workers"]
    if "slotsPerWorker" not in spec:
        errs.append("wavebench: slotsPerWorker: must be written out (ranks per worker)")
    if "cleanPodPolicy" not in (spec.get("runPolicy") or {}):
        errs.append("wavebench: runPolicy.cleanPodPolicy: must be written out")
    if "replicas" not in launcher:
        errs.append("wavebench: Launcher.replicas: must be written out (1)")
    slots = spec.get("slotsPerWorker", 1)
    workers = worker.get("replicas", 0)

    args = argv(main_container(launcher))
    impl = spec.get("mpiImplementation", "OpenMPI")
    # mpirun as the pod's PID 1 exits 1 when the pod is deleted, whatever the ranks
    # wrote (seen by scripts/container.sh test): the image's wrapper passes the SIGTERM
    # on and exits with wavebench's code (4 after a checkpoint).
    if not args or os.path.basename(args[0]) != "wavebench-launch":
        errs.append(f"wavebench: the launcher must run wavebench-launch mpirun ..., not {args[:1]}"
                    " (a deleted pod would exit with mpirun's 1, not wavebench's 4)")
    else:
        args = args[1:]
    if not args or os.path.basename(args[0]) not in ("mpirun", "mpiexec"):
        errs.append(f"wavebench: the launcher must run mpirun, not {args[:1]}")
    if impl == "OpenMPI" and option(args, "--hostfile") != HOSTFILE and \
            option(args, "-hostfile") != HOSTFILE:
        errs.append(f"wavebench: mpirun must be given --hostfile {HOSTFILE} "
                    "(Open MPI 5 ignores OMPI_MCA_orte_default_hostfile)")
    np_ = option(args, "-np") or option(args, "-n") or option(args, "--np")
    if np_ is None or not np_.isdigit() or int(np_) != workers * slots:
        errs.append(f"wavebench: mpirun -np {np_} != Worker.replicas {workers} x slotsPerWorker {slots}")
    if "wavebench" not in [os.path.basename(a) for a in args]:
        errs.append("wavebench: the launcher's mpirun does not run wavebench")
    outdir = option(args, "--output-dir")
    if not outdir:
        errs.append("wavebench: wavebench must be given --output-dir on the results volume")

    images = set()
    for role, rspec in (("Launcher", launcher), ("Worker", worker)):
        c = main_container(rspec)
        image = c.get("image", "")
        images.add(image)
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if "@sha256:" not in image and (not tag or tag == "latest"):
            errs.append(f"wavebench: {role} image {image!r} must be pinned by a tag other than latest")
        if outdir:
            claim = mounts(rspec).get(outdir)
            if not claim or claim == "emptyDir":
                errs.append(f"wavebench: {role} does not mount a persistent volume at {outdir}")
    if len(images) != 1:
        errs.append(f"wavebench: Launcher and Worker run different images {sorted(images)}")
    if outdir:
        claims = {mounts(r).get(outdir) for r in (launcher, worker)}
        if len(claims) != 1:
            errs.append(f"wavebench: {outdir} is not the same volume on launcher and workers: {claims}")
        for claim in claims:
            pvc = [o for o in others if o.get("kind") == "PersistentVolumeClaim"
                   and (o.get("metadata") or {}).get("name") == claim]
            if pvc and "ReadWriteMany" not in (pvc[0].get("spec") or {}).get("accessModes", []):
                errs.append(f"wavebench: claim {claim} must be ReadWriteMany (every rank writes the file)")

    wc = main_container(worker)
    if "sshd" not in " ".join(argv(wc)):
        errs.append("wavebench: workers must run sshd for mpirun to reach them")
    gpus = ((wc.get("resources") or {}).get("limits") or {}).get("nvidia.com/gpu")
    if gpus is not None and str(gpus) != str(slots):
        errs.append(f"wavebench: nvidia.com/gpu {gpus} != slotsPerWorker {slots} (one rank per GPU)")
    uid = (pod_spec(worker).get("securityContext") or {}).get("runAsUser")
    if uid not in (None, 0) and spec.get("sshAuthMountPath", "/root/.ssh").startswith("/root"):
        errs.append("wavebench: sshAuthMountPath under /root while the pods run as a non-root user")
    return errs


# ------------------------------------------------------------------ main --
def all_errors(validator, docs):
    jobs = [d for d in docs if isinstance(d, dict) and d.get("kind") == "MPIJob"]
    others = [d for d in docs if isinstance(d, dict) and d.get("kind") != "MPIJob"]
    if len(jobs) != 1:
        return [f"file: {len(jobs)} MPIJob documents, expected 1"]
    job = jobs[0]
    return schema_errors(validator, job) + controller_errors(job) + wavebench_errors(job, others)


def mutate(docs, fn):
    docs = copy.deepcopy(docs)
    job = next(d for d in docs if d.get("kind") == "MPIJob")
    fn(job, docs)
    return docs


def launcher(job):
    return job["spec"]["mpiReplicaSpecs"]["Launcher"]


def worker(job):
    return job["spec"]["mpiReplicaSpecs"]["Worker"]


def largs(job):
    return launcher(job)["template"]["spec"]["containers"][0]["args"]


def drop_hostfile(job, _):
    a = largs(job)
    i = a.index("--hostfile")
    del a[i:i + 2]


def set_np(job, _):
    a = largs(job)
    a[a.index("-np") + 1] = "3"


def set_image(job, _):
    for r in (launcher(job), worker(job)):
        r["template"]["spec"]["containers"][0]["image"] = "wavebench:latest"


def drop_worker_results(job, _):
    c = worker(job)["template"]["spec"]["containers"][0]
    c["volumeMounts"] = [m for m in c["volumeMounts"] if m["mountPath"] != "/results"]


def pvc_rwo(_, docs):
    for d in docs:
        if d.get("kind") == "PersistentVolumeClaim":
            d["spec"]["accessModes"] = ["ReadWriteOnce"]


def dup_env(job, _):
    c = launcher(job)["template"]["spec"]["containers"][0]
    c["env"].append(copy.deepcopy(c["env"][0]))


# (name, change, text expected in one of the errors)
BROKEN = [
    ("two launcher replicas", lambda j, _: launcher(j).update(replicas=2), "Launcher.replicas"),
    ("no launcher", lambda j, _: j["spec"]["mpiReplicaSpecs"].pop("Launcher"), "Launcher"),
    ("zero workers", lambda j, _: worker(j).update(replicas=0), "Worker.replicas"),
    ("unknown cleanPodPolicy", lambda j, _: j["spec"]["runPolicy"].update(cleanPodPolicy="Sometimes"),
     "cleanPodPolicy"),
    ("no cleanPodPolicy", lambda j, _: j["spec"]["runPolicy"].pop("cleanPodPolicy"), "cleanPodPolicy"),
    ("no slotsPerWorker", lambda j, _: j["spec"].pop("slotsPerWorker"), "slotsPerWorker"),
    ("negative slotsPerWorker", lambda j, _: j["spec"].update(slotsPerWorker=-1), "slotsPerWorker"),
    ("slotsPerWorker beyond int32", lambda j, _: j["spec"].update(slotsPerWorker=2**31), "slotsPerWorker"),
    ("no --hostfile for Open MPI 5", drop_hostfile, "--hostfile"),
    ("mpirun as the launcher's PID 1",
     lambda j, _: launcher(j)["template"]["spec"]["containers"][0].update(command=["mpirun"]),
     "wavebench-launch"),
    ("-np not workers x slots", set_np, "-np"),
    ("served apiVersion only", lambda j, _: j.update(apiVersion="kubeflow.org/v1"), "apiVersion"),
    ("misspelt field (strict validation)", lambda j, _: j["spec"].update(slotPerWorker=8), "slotPerWorker"),
    ("replicas as a string", lambda j, _: worker(j).update(replicas="2"), "replicas"),
    ("unknown mpiImplementation", lambda j, _: j["spec"].update(mpiImplementation="OpenMPI5"),
     "mpiImplementation"),
    ("bad restartPolicy", lambda j, _: launcher(j).update(restartPolicy="Always"), "restartPolicy"),
    ("container without a name",
     lambda j, _: worker(j)["template"]["spec"]["containers"][0].pop("name"), "name"),
    ("duplicate env name (list-map keys)", dup_env, "duplicate"),
    ("image :latest", set_image, "latest"),
    ("results not mounted on workers", drop_worker_results, "/results"),
    ("results claim not ReadWriteMany", pvc_rwo, "ReadWriteMany"),
    ("name not a DNS label", lambda j, _: j["metadata"].update(name="WaveBench"), "metadata.name"),
    ("GPUs != slots", lambda j, _: worker(j)["template"]["spec"]["containers"][0]["resources"]["limits"]
     .update({"nvidia.com/gpu": 4}), "nvidia.com/gpu"),
    ("no sshd on workers", lambda j, _: worker(j)["template"]["spec"]["containers"][0]
     .update(command=["sleep"], args=["infinity"]), "sshd"),
]


def main():
    v = Verdicts()
    report = v.report

    validator = make_validator(CRD)
    with open(MPIJOB) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]

    errs = all_errors(validator, docs)
    report(not errs, f"{os.path.relpath(MPIJOB, SRCDIR)} passes the CRD schema, "
                     "the controller's rules and wavebench's", errs)

    for name, change, expect in BROKEN:
        try:
            broken = mutate(docs, change)
        except (KeyError, ValueError, IndexError, StopIteration) as e:
            report(False, f"broken copy '{name}': could not be made ({e!r})")
            continue
        v.rejects(name, all_errors(validator, broken), expect)
    return v.finish()


if __name__ == "__main__":
    sys.exit(main())
