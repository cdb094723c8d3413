#!/bin/sh
# The Kubeflow MPI Operator's contract with the real image, without Kubernetes:
# scripts/container.sh test builds the CPU flavour of the Dockerfile with podman (from
# this source tree; podman's layer cache makes a rebuild of unchanged sources take
# seconds), starts jobs/mpijob.yaml's workers and launcher as containers on their own
# network, and checks the results file (2 localities, read here by h5dump and
# $WAVEBENCH report) and the exit 4 and checkpoint of a deleted job.
# Skipped (77) where rootful podman with runc cannot run, and in the sanitizer build's
# pass (the image builds its own wavebench; once per CI run is enough).
: "${WAVEBENCH:?run through make check}"
: "${WB_SRCDIR:?run through make check}"
if "$WAVEBENCH" --version 2>/dev/null | grep -q -- "--enable-sanitizers"; then
    echo "SKIP: the container test runs in the non-sanitizer build's make check only"
    exit 77
fi
WB_CONTAINER_BUILD_LOG=${WB_BUILDDIR:-.}/container-build.log
export WB_CONTAINER_BUILD_LOG
exec bash "$WB_SRCDIR/scripts/container.sh" test
