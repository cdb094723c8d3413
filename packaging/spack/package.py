# Spack recipe for wavebench: an MPI benchmark of PINN training, collectives
# and distributed arrays, writing one parallel-HDF5 results file.
#
# Use it from a Spack package repository of your own (Spack 1.x layout; for Spack 0.x
# the directory is ~/wbrepo/packages/wavebench):
#   spack repo create ~/wbrepo wb && mkdir -p ~/wbrepo/spack_repo/wb/packages/wavebench
#   cp packaging/spack/package.py ~/wbrepo/spack_repo/wb/packages/wavebench/
#   spack repo add ~/wbrepo/spack_repo/wb
#   spack develop --path "$PWD" wavebench@main    # build this checkout
#   spack install wavebench +cuda cuda_arch=90 +nccl
# Installed for real, offline, against Debian's packages by scripts/spack-check.sh.
#
# SPDX-License-Identifier: (Apache-2.0 OR MIT)

import os

from spack.package import *

try:  # Spack 1.0 and later: the build systems live in the builtin package repository
    from spack_repo.builtin.build_systems.autotools import AutotoolsPackage
    from spack_repo.builtin.build_systems.cuda import CudaPackage
except ImportError:  # Spack 0.x: spack.package exports them
    pass


class Wavebench(AutotoolsPackage, CudaPackage):
    """MPI benchmark for distributed scientific ML: data-parallel training of a
    physics-informed neural network for the wave equation, MPI/NCCL collective
    sweeps and distributed-array operations, with every run recorded in one
    parallel-HDF5 file."""

    # Placeholders until the project has a public home (there is none yet): nothing
    # fetches from them in the checks here; with `spack develop` (above) the sources come
    # from the local checkout, and a release tarball can come from a mirror (below).
    homepage = "https://github.com/wavebench/wavebench"
    git = "https://github.com/wavebench/wavebench.git"

    # Releases are `make dist` tarballs, wavebench-VERSION.tar.gz, published with the
    # release; each adds its line `version("X.Y.Z", sha256="...")` (from `spack checksum
    # wavebench X.Y.Z`, or sha256sum of the tarball). Before a release is published, the
    # tarball comes from a mirror (`spack mirror add`; Spack 1.x looks it up by its sha256,
    # _source-cache/archive/SH/SHA256.tar.gz) and the version line from its sha256, as
    # scripts/spack-check.sh does.
    url = "https://github.com/wavebench/wavebench/releases/download/v0.1.0/wavebench-0.1.0.tar.gz"

    maintainers("wavebench")

    version("main", branch="main")

    # +cuda and cuda_arch come from CudaPackage.
    variant("nccl", default=True, description="NCCL collectives on GPU buffers (needs +cuda)")
    variant("curl", default=True, description="Push a run summary over HTTP with libcurl")

    conflicts("+nccl", when="~cuda", msg="NCCL collectives need the CUDA backend (+cuda)")

    # A release tarball (`make dist`) has configure; a git checkout makes it with
    # ./autogen.sh, which needs the autotools.
    with when("@main"):
        depends_on("autoconf", type="build")
        depends_on("automake@1.16:", type="build")
        depends_on("libtool", type="build")
        depends_on("m4", type="build")
    depends_on("pkgconfig", type="build")
    depends_on("c", type="build")

    depends_on("mpi")
    # Any parallel HDF5 of the 1.10 API or later (Debian's has Fortran and C++ too).
    depends_on("hdf5@1.10:+mpi")
    depends_on("blas")  # a CBLAS interface (OpenBLAS preferred)
    depends_on("jansson")
    depends_on("curl", when="+curl")
    depends_on("cuda@12:", when="+cuda")
    depends_on("nccl@2.18:", when="+nccl")
    depends_on("cmocka", type="test")

    def autoreconf(self, spec, prefix):
        if not os.path.exists("configure"):
            Executable("./autogen.sh")()

    def configure_args(self):
        spec = self.spec
        hdf5 = spec["hdf5"]
        blas = spec["blas"]
        args = [
            "CC={0}".format(spec["mpi"].mpicc),
            # Given explicitly: Spack's HDF5 installs hdf5.pc, not hdf5-mpi.pc.
            "HDF5_CFLAGS=-I{0}".format(hdf5.prefix.include),
            "HDF5_LIBS={0}".format(hdf5["hdf5"].libs.ld_flags),
            "BLAS_CFLAGS=-I{0}".format(blas.prefix.include),
            "BLAS_LIBS={0}".format(blas.libs.ld_flags),
        ]
        if spec.satisfies("+cuda"):
            args.append("--with-cuda={0}".format(spec["cuda"].prefix))
            cuda_arch = spec.variants["cuda_arch"].value
            if "none" not in cuda_arch:
                args.append("NVCCFLAGS=" + " ".join(self.cuda_flags(cuda_arch)))
        else:
            args.append("--without-cuda")
        if spec.satisfies("+nccl"):
            args.append("--with-nccl={0}".format(spec["nccl"].prefix))
        else:
            args.append("--without-nccl")
        args.extend(self.with_or_without("curl"))
        return args

    @property
    def sanity_check_is_file(self):
        files = [join_path("bin", "wavebench")]
        if self.spec.satisfies("+cuda"):
            # The CUDA backend is a module that bin/wavebench opens from ../lib/wavebench.
            files.append(join_path("lib", "wavebench", "wavebench-cuda.so"))
        return files

    def check(self):
        # make check runs MPI tests under mpirun with oversubscription.
        make("check", parallel=False)
