"""Copies libfaattn_c.so into the faattn package when it is built (pyproject.toml has the rest).

The library comes from $FAATTN_LIBRARY, else $BUILD_DIR/lib (default build/lib) of this
checkout: build it first with `bash tools/dev.sh build`.
"""
import os
import shutil

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def library():
    env = os.environ.get("FAATTN_LIBRARY")
    path = env or os.path.join(HERE, os.environ.get("BUILD_DIR", "build"), "lib",
                               "libfaattn_c.so")
    if not os.path.isfile(path):
        raise SystemExit(f"faattn: {path} not found: build the C library first "
                         "(bash tools/dev.sh build), or set FAATTN_LIBRARY to it")
    return path


class BuildPy(build_py):
    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "faattn", "libfaattn_c.so")
        shutil.copy2(library(), dest)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # a platform wheel: it holds a shared library
        return True


# setuptools' scratch directory inside the CMake build directory, not beside its outputs.
BUILD_BASE = os.path.join(HERE, os.environ.get("BUILD_DIR", "build"), "python-package")
os.makedirs(BUILD_BASE, exist_ok=True)
setup(cmdclass={"build_py": BuildPy}, distclass=BinaryDistribution,
      options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}})
