#!/bin/sh
# install-deploy-deps.sh: install (Debian, apt-get only) what tests/deploy needs:
# a one-node Slurm with munge and PMIx, and Python's YAML, JSON Schema and h5py.
# Idempotent: packages already installed are skipped; `apt-get update` runs only
# when something is missing. Run as root.
set -eu

PACKAGES="slurm-wlm munge libpmix-dev python3 python3-jsonschema python3-yaml python3-h5py hdf5-tools"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deploy-deps: all present ($PACKAGES)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deploy-deps: missing:$missing; run as root to install them" >&2
    exit 1
fi

echo "install-deploy-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Debian's slurm and munge packages try to start their daemons through the init
# system; the tests start their own, so keep any policy-rc.d the system has.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
