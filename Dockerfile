# wavebench container: CUDA + NCCL + UCX + Open MPI 5 (CUDA- and UCX-aware)
# + parallel HDF5, for Slurm (pyxis/enroot) and the Kubeflow MPI Operator.
#
#   docker build -t wavebench:0.1.0 .
#   docker run --rm --gpus all wavebench:0.1.0 wavebench --version
#
# Two stages: `build` compiles the MPI stack and wavebench on a CUDA devel
# image; the final stage is a CUDA runtime image with only the libraries
# wavebench needs at run time, sshd set up the way the MPI Operator expects
# (port 2222, no host-key prompts, keys from a mounted Secret), and a non-root
# user `mpiuser` (uid 1000). Base images are pinned by tag; source tarballs
# are checked against their SHA-256 where one is given.

# ---------------------------------------------------------------- build ----
FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build

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

# wavebench: CUDA backend, NCCL collectives (NCCL ships in the CUDA images,
# headers in devel, library in runtime), libcurl push.
COPY . /tmp/src/wavebench
WORKDIR /tmp/src/wavebench
RUN ./autogen.sh \
    && ./configure CC=mpicc --prefix=/opt/wavebench \
        --with-cuda=${CUDA_HOME} --with-nccl=/usr --with-curl \
        HDF5_CFLAGS="-I/opt/hdf5/include" \
        HDF5_LIBS="-L/opt/hdf5/lib -Wl,-rpath,/opt/hdf5/lib -lhdf5" \
    && make -j"$(nproc)" \
    && make install \
    && ! ldd /opt/wavebench/bin/wavebench | grep 'not found' \
    && ! ldd /opt/wavebench/lib/wavebench/wavebench-cuda.so | grep 'not found'

# -------------------------------------------------------------- runtime ----
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime

ARG SSH_PORT=2222
ARG USER_UID=1000

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
        openssh-server openssh-client \
        libnuma1 libibverbs1 librdmacm1 ibverbs-providers zlib1g \
        libopenblas0-pthread libjansson4 libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/ucx/lib /opt/ucx/lib
COPY --from=build /opt/ucx/bin /opt/ucx/bin
COPY --from=build /opt/openmpi /opt/openmpi
COPY --from=build /opt/hdf5/lib /opt/hdf5/lib
COPY --from=build /opt/wavebench/bin/wavebench /usr/local/bin/wavebench
# The CUDA backend is a module the binary opens for --backend cuda, found at
# EXE_DIR/../lib/wavebench: CPU runs in this image never load CUDA, cuBLAS or NCCL.
COPY --from=build /opt/wavebench/lib/wavebench/wavebench-cuda.so /usr/local/lib/wavebench/wavebench-cuda.so

# Open MPI's headers, wrappers' data and docs are not needed to run.
RUN rm -rf /opt/openmpi/include /opt/openmpi/share/man /opt/openmpi/share/doc \
    && echo /opt/openmpi/lib > /etc/ld.so.conf.d/wavebench.conf \
    && echo /opt/ucx/lib >> /etc/ld.so.conf.d/wavebench.conf \
    && echo /opt/hdf5/lib >> /etc/ld.so.conf.d/wavebench.conf \
    && ldconfig \
    && ! ldd /usr/local/bin/wavebench | grep 'not found' \
    && ! ldd /usr/local/lib/wavebench/wavebench-cuda.so | grep 'not found'
ENV PATH=/opt/openmpi/bin:/opt/ucx/bin:$PATH

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
