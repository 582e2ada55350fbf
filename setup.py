"""Build of newsclean's optional C extensions (`pipeline._native`: the stages' inner loops,
`pipeline._lines`: the line model's); everything else is in pyproject.toml. The extensions
are optional: where they cannot be compiled the package installs without them and the
pure-Python code paths run instead (same results, slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pipeline._native", ["pipeline/_native.c"], optional=True,
                  extra_compile_args=["-O3"], libraries=["m"]),
        Extension("pipeline._lines", ["pipeline/_lines.c"], optional=True,
                  extra_compile_args=["-O3"], libraries=["m"]),
    ],
)
