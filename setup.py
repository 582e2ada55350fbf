"""Build of newsclean's optional C extension (`pipeline._native`); everything else is in
pyproject.toml. The extension is optional: where it cannot be compiled the package installs
without it and the pure-Python code paths run instead (same results, slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pipeline._native", ["pipeline/_native.c"], optional=True,
                  extra_compile_args=["-O3"], libraries=["m"]),
    ],
)
