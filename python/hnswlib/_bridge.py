"""Every Java call and buffer conversion of the package, in one place.

numpy arrays cross to Java as (address, length) of their native memory: Java views them in place (as
Arrow vectors for the engine) and writes results straight into numpy arrays allocated here. Java
exceptions never leave this module: they become hnswlib's Python exceptions.
"""
import glob
import os

import numpy as np

try:
    import java
    import polyglot
except ImportError as e:  # pragma: no cover - only under a Python without Java interop
    raise ImportError("this hnswlib needs GraalPy on the JVM (see bin/graalpy)") from e


def _load_class(name):
    try:
        return java.type(name)
    except BaseException:
        # "pip-style" install: the engine's jars travel inside the package
        jars = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "_jars", "*.jar")))
        if not jars:
            raise ImportError(
                "the hnswj engine is not on the class path: run through bin/graalpy, or install the "
                "hnswlib wheel built by the project") from None
        for jar in jars:
            java.add_to_classpath(jar)
        return java.type(name)


Bridge = _load_class("io.hnswj.python.PythonBridge")
LongPredicate = java.type("java.util.function.LongPredicate")
ForeignException = polyglot.ForeignException


def call(function, *args):
    """Calls Java; a Java exception is raised again as hnswlib's Python exception."""
    try:
        return function(*args)
    except ForeignException as e:
        kind, message = Bridge.pythonError(e)
        raise (ValueError if kind == "ValueError" else RuntimeError)(str(message)) from None


def address(array):
    """The address of a C-contiguous numpy array's first byte (0 for an empty array)."""
    if array.size == 0:
        return 0
    return array.__array_interface__["data"][0]


def signed64(value):
    """A uint64 label or seed as the signed long Java takes (same bits)."""
    value = int(value)
    return value - (1 << 64) if value >= (1 << 63) else value


def unsigned64(value):
    value = int(value)
    return value + (1 << 64) if value < 0 else value


def as_predicate(filter_function):
    """A Python callable as a java.util.function.LongPredicate over uint64 labels."""
    if filter_function is None:
        return None

    def test(label):
        verdict = filter_function(unsigned64(label))
        if not isinstance(verdict, (bool, np.bool_)):
            raise RuntimeError(
                "Unable to cast Python instance to C++ type (#define PYBIND11_DETAILED_ERROR_MESSAGES "
                "or compile in debug mode for details)")
        return bool(verdict)

    return test


def read_bytes(writer, size):
    """Lets Java write ``size`` bytes into a new numpy uint8 array, which is returned."""
    out = np.empty(size, dtype=np.uint8)
    call(writer, address(out), size)
    return out
