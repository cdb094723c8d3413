# wavebench container, two flavours from this one file (build argument FLAVOUR):
#
#   cuda (default): CUDA + NCCL + UCX + Open MPI 5 (CUDA- and UCX-aware) + parallel
#        HDF5 built from source on NVIDIA's CUDA images, for GPU clusters (Slurm with
#        pyxis/enroot, the Kubeflow MPI Operator):
#          docker build -t wavebench:0.1.0 .
#          docker run --rm --gpus all wavebench:0.1.0 wavebench --version
#   cpu: Debian bookworm's own Open MPI 4.1 (with UCX), parallel HDF5, OpenBLAS,
#        jansson and libcurl packages, no CUDA; what scripts/container.sh builds and
#        tests here (base image localhost/debian:bookworm, made with debootstrap):
#          podman build --build-arg FLAVOUR=cpu -t localhost/wavebench:cpu .
#
# Stages. Each flavour has its own MPI-stack stage (mpi-cuda, mpi-cpu) and its own
# runtime-library stage (runtime-cuda, runtime-cpu); everything else is shared and
# identical for both flavours: `build` (FROM mpi-${FLAVOUR}) runs the project's own
# ./autogen.sh, configure (CC=mpicc, the flavour's WB_CONFIGURE_FLAGS) and make
# install; the final `runtime` stage (FROM runtime-${FLAVOUR}) adds sshd set up the
# way the MPI Operator expects (port 2222, no host-key prompts, keys from a mounted
# Secret), wavebench, its launcher wrapper and a non-root user `mpiuser` (uid 1000),
# and runs as that user. The CUDA flavour cannot be built on the machines that test
# the CPU one (its base images and source tarballs are out of reach there): keep
# what the flavours share in the shared stages, so that the CPU build tests it.
# Stages a flavour does not use are not built (BuildKit; podman/buildah 4.3 too).
# Base images are pinned by tag; source tarballs are checked against their SHA-256
# where one is given.

ARG FLAVOUR=cuda

# ------------------------------------------------------ MPI stack: cuda ----
FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS mpi-cuda

ARG UCX_VERSION=1.16.0
ARG UCX_SHA256=f73770d3b583c91aba5fb07557e655ead0786e057018bfe42f0ebe8716e9d28c
ARG OMPI_VERSION=5.0.5
# Set to the release's published SHA-256 to have the tarball checked.
ARG OMPI_SHA256=
ARG HDF5_VERSION=1.14.4-3
ARG HDF5_SHA256=019ac451d9e1cf89c0482ba2a06f07a46166caf23f60fea5ef3c37724a318e03
ARG CUDA_HOME=/usr/local/cuda

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        autoconf automake libtool make pkg-config file perl python3 \
        ca-certificates wget bzip2 \
        libnuma-dev libibverbs-dev librdmacm-dev zlib1g-dev \
        libopenblas-dev libjansson-dev libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /tmp/src

# fetch URL FILE SHA256: download and, when SHA256 is not empty, verify.
RUN printf '%s\n' '#!/bin/sh' 'set -eu' \
        'wget -q -O "$2" "$1"' \
        'if [ -n "${3:-}" ]; then echo "$3  $2" | sha256sum -c -; else echo "fetch: $2 not checksum-verified" >&2; fi' \
        > /usr/local/bin/fetch && chmod +x /usr/local/bin/fetch

# UCX with CUDA (device buffers over UCX transports).
RUN fetch https://github.com/openucx/ucx/releases/download/v${UCX_VERSION}/ucx-${UCX_VERSION}.tar.gz \
        ucx.tar.gz "${UCX_SHA256}" \
    && tar xzf ucx.tar.gz && cd ucx-${UCX_VERSION} \
    && ./contrib/configure-release --prefix=/opt/ucx --with-cuda=${CUDA_HOME} \
        --with-verbs --with-rdmacm --enable-mt --without-java \
    && make -j"$(nproc)" && make install \
    && cd /tmp/src && rm -rf ucx*

# Open MPI 5 with CUDA and UCX (its bundled PMIx, PRRTE, hwloc, libevent).
# The stubs directory lets configure link libcuda without a driver.
RUN fetch https://download.open-mpi.org/release/open-mpi/v${OMPI_VERSION%.*}/openmpi-${OMPI_VERSION}.tar.bz2 \
        openmpi.tar.bz2 "${OMPI_SHA256}" \
    && tar xjf openmpi.tar.bz2 && cd openmpi-${OMPI_VERSION} \
    && ./configure --prefix=/opt/openmpi \
        --with-cuda=${CUDA_HOME} --with-cuda-libdir=${CUDA_HOME}/lib64/stubs \
        --with-ucx=/opt/ucx --enable-mca-no-build=btl-uct \
        --enable-prte-prefix-by-default \
    && make -j"$(nproc)" && make install \
    && cd /tmp/src && rm -rf openmpi*
ENV PATH=/opt/openmpi/bin:$PATH \
    LD_LIBRARY_PATH=/opt/openmpi/lib:/opt/ucx/lib

# Parallel HDF5 on that MPI.
RUN fetch https://github.com/HDFGroup/hdf5/releases/download/hdf5_${HDF5_VERSION%-*}.${HDF5_VERSION##*-}/hdf5-${HDF5_VERSION}.tar.gz \
        hdf5.tar.gz "${HDF5_SHA256}" \
    && tar xzf hdf5.tar.gz && cd hdf5-${HDF5_VERSION} \
    && CC=mpicc ./configure --prefix=/opt/hdf5 --enable-parallel --enable-shared \
        --disable-static --disable-fortran --disable-cxx --disable-tests --disable-tools \
    && make -j"$(nproc)" && make install \
    && cd /tmp/src && rm -rf hdf5*

# What the shared build stage configures wavebench with: CUDA backend, NCCL
# collectives (NCCL ships in the CUDA images, headers in devel, library in
# runtime), libcurl push, the HDF5 built above (configure reads these variables).
ENV WB_CONFIGURE_FLAGS="--with-cuda=/usr/local/cuda --with-nccl=/usr --with-curl" \
    HDF5_CFLAGS="-I/opt/hdf5/include" \
    HDF5_LIBS="-L/opt/hdf5/lib -Wl,-rpath,/opt/hdf5/lib -lhdf5"

# ------------------------------------------------------- MPI stack: cpu ----
# Debian's Open MPI 4.1 (built with UCX), parallel HDF5, OpenBLAS, jansson, libcurl.
FROM localhost/debian:bookworm AS mpi-cpu
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        build-essential autoconf automake libtool make pkg-config file perl python3 \
        libopenmpi-dev openmpi-bin libhdf5-openmpi-dev libucx-dev \
        libopenblas-dev libjansson-dev libcurl4-openssl-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
ENV WB_CONFIGURE_FLAGS="--without-cuda --without-nccl --with-curl"

# ------------------------------------------------------ build (shared) ----
FROM mpi-${FLAVOUR} AS build
COPY . /tmp/src/wavebench
WORKDIR /tmp/src/wavebench
RUN ./autogen.sh \
    && ./configure CC=mpicc --prefix=/opt/wavebench ${WB_CONFIGURE_FLAGS} \
    && make -j"$(nproc)" \
    && make install \
    && mkdir -p /opt/wavebench/lib/wavebench \
    && ! ldd /opt/wavebench/bin/wavebench | grep 'not found' \
    && for m in /opt/wavebench/lib/wavebench/*.so; do [ ! -e "$m" ] || ! ldd "$m" | grep 'not found'; done

# -------------------------------------------------- runtime libs: cuda ----
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime-cuda

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        libnuma1 libibverbs1 librdmacm1 ibverbs-providers zlib1g \
        libopenblas0-pthread libjansson4 libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

COPY --from=mpi-cuda /opt/ucx/lib /opt/ucx/lib
COPY --from=mpi-cuda /opt/ucx/bin /opt/ucx/bin
COPY --from=mpi-cuda /opt/openmpi /opt/openmpi
COPY --from=mpi-cuda /opt/hdf5/lib /opt/hdf5/lib

# Open MPI's headers, wrappers' data and docs are not needed to run.
RUN rm -rf /opt/openmpi/include /opt/openmpi/share/man /opt/openmpi/share/doc \
    && echo /opt/openmpi/lib > /etc/ld.so.conf.d/wavebench.conf \
    && echo /opt/ucx/lib >> /etc/ld.so.conf.d/wavebench.conf \
    && echo /opt/hdf5/lib >> /etc/ld.so.conf.d/wavebench.conf \
    && ldconfig
ENV PATH=/opt/openmpi/bin:/opt/ucx/bin:$PATH

# --------------------------------------------------- runtime libs: cpu ----
FROM localhost/debian:bookworm AS runtime-cpu
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        openmpi-bin libopenmpi3 libucx0 libhdf5-openmpi-103-1 \
        libopenblas0-pthread libjansson4 libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# ---------------------------------------------------- runtime (shared) ----
FROM runtime-${FLAVOUR} AS runtime

ARG SSH_PORT=2222
ARG USER_UID=1000

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        openssh-server openssh-client procps \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/wavebench/bin/wavebench /usr/local/bin/wavebench
# The CUDA backend is a module the binary opens for --backend cuda, found at
# EXE_DIR/../lib/wavebench: CPU runs in this image never load CUDA, cuBLAS or NCCL.
# (The cpu flavour builds no module: the directory is empty there.)
COPY --from=build /opt/wavebench/lib/wavebench /usr/local/lib/wavebench
RUN ! ldd /usr/local/bin/wavebench | grep 'not found' \
    && for m in /usr/local/lib/wavebench/*.so; do [ ! -e "$m" ] || ! ldd "$m" | grep 'not found'; done
# The MPI Operator launcher's command (jobs/mpijob.yaml): mpirun run by the job
# scripts' wrapper, so that the SIGTERM of a pod deletion reaches the ranks and the
# launcher exits with wavebench's code (4 after a checkpoint), not mpirun's 1.
COPY jobs/wavebench-launch /usr/local/bin/wavebench-launch
# The worker's command: sshd, kept until the ranks have checkpointed after a SIGTERM.
COPY jobs/wavebench-worker /usr/local/bin/wavebench-worker
COPY jobs/wavebench-job.sh /usr/local/share/wavebench/wavebench-job.sh

# sshd the way the MPI Operator's base image sets it up: the operator mounts
# the keys from a Secret at sshAuthMountPath (/home/mpiuser/.ssh), so no host
# key checking, no known_hosts writes, no permission checks on the mount, and
# ssh and sshd on an unprivileged port for a non-root sshd.
RUN mkdir -p /var/run/sshd \
    && sed -i "s/[ #]\(.*StrictHostKeyChecking \).*/ \1no/g" /etc/ssh/ssh_config \
    && echo "    UserKnownHostsFile /dev/null" >> /etc/ssh/ssh_config \
    && sed -i "s/[ #]\(.*Port \).*/ \1${SSH_PORT}/g" /etc/ssh/ssh_config \
    && sed -i "s/#\(StrictModes \).*/\1no/g" /etc/ssh/sshd_config \
    && sed -i "s/#\(Port \).*/\1${SSH_PORT}/g" /etc/ssh/sshd_config \
    && rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub

RUN useradd --create-home --uid ${USER_UID} --shell /bin/bash mpiuser
WORKDIR /home/mpiuser
# sshd run by mpiuser (workers: sshd -De -f /home/mpiuser/.sshd_config).
RUN printf '%s\n' \
        'PidFile /home/mpiuser/sshd.pid' \
        'HostKey /home/mpiuser/.ssh/id_rsa' \
        'StrictModes no' \
        "Port ${SSH_PORT}" \
        > /home/mpiuser/.sshd_config \
    && mkdir -p /results \
    && chown -R mpiuser:mpiuser /home/mpiuser /results

USER mpiuser
ENV NCCL_DEBUG=WARN
VOLUME ["/results"]
CMD ["wavebench", "--help"]
