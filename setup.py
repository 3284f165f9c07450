"""Compiles ``triage/kernels.py`` (Cython's pure-Python mode) into a C extension at install.

Everything else is in ``pyproject.toml``; this file exists only because an extension module is
declared in code. The extension is optional: on a machine without a C compiler the install still
succeeds, the same source runs interpreted (slower, identical answers), and the service says so
when it starts.
"""

from Cython.Build import cythonize
from setuptools import setup

extensions = cythonize(
    ["triage/kernels.py"],
    language_level=3,
    quiet=True,
    compiler_directives={"embedsignature": True},
)
for extension in extensions:
    extension.optional = True  # a failed compile warns; the interpreted form still answers

setup(ext_modules=extensions)
