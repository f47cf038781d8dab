"""Every Java call and buffer conversion of the package, in one place.

numpy arrays cross to Java as (address, byte length) of their native memory: Java views them in place
(as Arrow matrices for the engine) and writes results straight into numpy arrays allocated here, so no
Python code touches single elements. Java exceptions never leave this module: they become hnswlib's
Python exceptions (``RuntimeError`` with the engine's message, which is hnswlib's).

The Java half is ``io.hnswj.python.PythonBridge`` (static, non-overloaded methods).
"""
import glob
import os

import numpy as np

try:
    import java
    import polyglot
except ImportError as e:  # pragma: no cover - only under a Python without Java interop
    raise ImportError("this hnswlib needs GraalPy on the JVM (see bin/graalpy)") from e

# The distance kernel of new indexes: "" is the process default (HNSWJ_KERNEL / -Dhnswj.kernel, else
# the Vector API kernel); "sse" gives hnswlib's summation order. A private hook for tests that compare
# with hnswlib bit for bit; not part of hnswlib's API.
kernel = ""

_CAST_ERROR = ("Unable to cast Python instance to C++ type (#define PYBIND11_DETAILED_ERROR_MESSAGES "
               "or compile in debug mode for details)")


def _load_class(name):
    try:
        return java.type(name)
    except BaseException:  # polyglot.ForeignException is a BaseException
        # "pip-style" install: the engine's jars travel inside the package
        jars = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "_jars", "*.jar")))
        if not jars:
            raise ImportError(
                "the hnswj engine is not on the class path: run through bin/graalpy, or install the "
                "hnswlib wheel built by the project") from None
        for jar in jars:
            java.add_to_classpath(jar)
        return java.type(name)


_Bridge = _load_class("io.hnswj.python.PythonBridge")
_ForeignException = polyglot.ForeignException


def _python_error(error):
    kind, message = _Bridge.pythonError(error)
    if str(kind) == "MemoryError":
        return MemoryError(str(message))
    return RuntimeError(str(message))


def _call(function, *args):
    """Calls Java; a Java exception is raised again as hnswlib's Python exception."""
    try:
        return function(*args)
    except _ForeignException as e:
        raise _python_error(e) from None


# ---------------------------------------------------------------------------------------- buffers

_F32 = np.dtype(np.float32)  # dtype objects, not type objects: numpy converts these fastest
_U64 = np.dtype(np.uint64)


def _address(array):
    """The address of a numpy array's first byte (C-contiguous arrays only). Through ``ctypes``: under
    GraalPy that costs about 14 us warm, where ``__array_interface__`` builds a dict in 50-110 us."""
    return array.ctypes.data


def _result_arrays(rows, n, k):
    """(labels uint64 (n, k), distances float32 (n, k), address of rows, of labels, of distances)."""
    labels = np.empty((n, k), _U64)
    distances = np.empty((n, k), _F32)
    return labels, distances, _address(rows), _address(labels), _address(distances)


# The same in C (python/native/, built by scripts/setup.sh into bin/graalpy's site directory), and the
# common case of float_rows below: one native call instead of several numpy calls, each 10-30 us under
# GraalPy.
try:
    from _hnswj_native import address, result_arrays, float_rows as _native_float_rows
except ImportError:
    address, result_arrays, _native_float_rows = _address, _result_arrays, None


def float_rows(data):
    """The input as C-contiguous float32, with its (rows, features): pybind's forcecast (lists,
    float64, ints, Fortran order and strided views all work; a scalar has 0 dimensions). A 1-D input
    is one row. Few numpy calls: under GraalPy each costs microseconds."""
    if type(data) is np.ndarray:
        converted = _native_float_rows(data) if _native_float_rows is not None else None
        if converted is not None:  # the C helper's answer for 1-D and 2-D arrays
            return converted
        ndim = data.ndim
        array = np.ascontiguousarray(data, _F32) if ndim == 1 or ndim == 2 else None
    else:
        array = np.asarray(data, _F32)
        ndim = array.ndim
        if (ndim == 1 or ndim == 2) and not array.flags.c_contiguous:  # e.g. an object's __array__ view
            array = np.ascontiguousarray(array)
    if array is None or not (ndim == 1 or ndim == 2):
        raise RuntimeError(
            f"Input vector data wrong shape. Number of dimensions {ndim}. Data must be a 1D or 2D array.")
    shape = array.shape
    return (array, shape[0], shape[1]) if ndim == 2 else (array, 1, shape[0])


def uint64_array(values):
    """Labels as a C-contiguous uint64 array, as pybind's ``array_t<size_t, forcecast>`` converts them."""
    return np.asarray(values, dtype=np.uint64, order="C")


def signed64(value):
    """A uint64 label or seed as the signed long Java takes (same bits)."""
    value = int(value)
    return value - (1 << 64) if value >= (1 << 63) else value


def _filter_verdict(value):
    """pybind11's conversion of a filter's return value to C++ bool: True, False, None, or anything
    whose type implements ``__bool__``; anything else is pybind11's cast error."""
    if value is True or value is False:
        return value
    if value is None:
        return False
    to_bool = getattr(type(value), "__bool__", None)
    if to_bool is not None:
        try:
            verdict = to_bool(value)
        except Exception:
            verdict = None
        if verdict is True or verdict is False:
            return verdict
    raise RuntimeError(_CAST_ERROR)


def _predicate(filter_function):
    """A Python callable as a java.util.function.LongPredicate over uint64 labels (GraalPy turns the
    function into the interface). An exception raised by the filter crosses Java unchanged."""
    if filter_function is None:
        return None

    def test(label):
        return _filter_verdict(filter_function(label + (1 << 64) if label < 0 else label))

    return test


def _search(query, engine, rows, n, k, num_threads, filter_function):
    """Both engines' knn_query: `query` (a _Bridge method) fills fresh (n, k) result arrays."""
    labels, distances, rows_at, labels_at, distances_at = result_arrays(rows, n, k)
    if n and k:
        _call(query, engine, rows_at, n, k, num_threads, _predicate(filter_function), labels_at, distances_at)
    return labels, distances


def split_upper_levels(blob, count, size_data_per_element, size_links_per_element, element_levels, link_lists):
    """Fills the pickle's element_levels and link_lists from a serialized index (hnswlib's file bytes)."""
    _call(_Bridge.splitUpperLevels, address(blob), blob.nbytes, count, size_data_per_element,
          size_links_per_element, address(element_levels), address(link_lists), link_lists.nbytes)


# ---------------------------------------------------------------------------------------- engines

class HnswEngine:
    """The Java ``io.hnswj.HnswIndex`` behind an ``Index``."""

    __slots__ = ("_java", "dim")

    def __init__(self, java_index):
        self._java = java_index
        self.dim = int(java_index.dim())

    @classmethod
    def create(cls, space, dim, max_elements, m, ef_construction, seed, allow_replace_deleted):
        return cls(_call(_Bridge.createIndexWithKernel, space, dim, max_elements, m, ef_construction,
                         signed64(seed), bool(allow_replace_deleted), kernel))

    @classmethod
    def load(cls, path, space, dim, max_elements, allow_replace_deleted):
        return cls(_call(_Bridge.loadIndexWithKernel, path, space, dim, max_elements,
                         bool(allow_replace_deleted), kernel))

    @classmethod
    def from_pickle(cls, header, data_level0, element_levels, count, link_lists, size_links_per_element,
                    space, dim, max_elements, allow_replace_deleted, seed):
        """An engine from a pickle's parts (numpy arrays: the 96-byte file header, int8 data_level0,
        int32 element_levels, int8 link_lists)."""
        return cls(_call(_Bridge.readPickle, address(header), address(data_level0), data_level0.nbytes,
                         address(element_levels), count, address(link_lists), link_lists.nbytes,
                         size_links_per_element, space, dim, max_elements, bool(allow_replace_deleted),
                         signed64(seed), kernel))

    def add(self, rows, n, labels, num_threads, replace_deleted):
        """Adds n float32 rows (C-contiguous, n x dim) under n uint64 labels."""
        _call(_Bridge.addItems, self._java, address(rows), n, address(labels), num_threads, bool(replace_deleted))

    def search(self, rows, n, k, num_threads, filter_function):
        """The (labels uint64 (n, k), distances float32 (n, k)) of n float32 queries (C-contiguous)."""
        return _search(_Bridge.knnQuery, self._java, rows, n, k, num_threads, filter_function)

    def vectors(self, labels, n):
        """The stored vectors of n uint64 labels, float32 (n, dim)."""
        out = np.empty((n, self.dim), _F32)
        if n:
            _call(_Bridge.getItems, self._java, address(labels), n, address(out))
        return out

    def labels(self):
        """Every label, deleted included, uint64: one snapshot, even while other threads add."""
        n = self.size()
        while True:
            out = np.empty(n + 16, _U64)  # room for a few adds between size() and the copy
            copied = _call(_Bridge.copyLabels, self._java, address(out), n + 16)
            if copied <= n + 16:
                return out[:copied]
            n = copied

    def serialized(self):
        """The index in hnswlib's file format, as a uint8 array."""
        size = self.file_size()
        out = np.empty(size, dtype=np.uint8)
        _call(_Bridge.serializeInto, self._java, address(out), size)
        return out

    def save(self, path):
        _call(_Bridge.saveIndex, self._java, path)

    def mark_deleted(self, label):
        _call(self._java.markDeleted, signed64(label))

    def unmark_deleted(self, label):
        _call(self._java.unmarkDeleted, signed64(label))

    def resize(self, new_size):
        _call(self._java.resize, new_size)

    def set_ef(self, ef):
        _call(self._java.setEf, min(ef, 2**31 - 1))

    def ef(self):
        return int(self._java.ef())

    def size(self):
        return int(_call(self._java.size))

    def capacity(self):
        return int(_call(self._java.capacity))

    def deleted_count(self):
        return int(_call(self._java.deletedCount))

    def m(self):
        return int(self._java.m())

    def ef_construction(self):
        return int(self._java.efConstruction())

    def allow_replace_deleted(self):
        return bool(self._java.allowReplaceDeleted())

    def file_size(self):
        return int(_call(self._java.serializedSize))

    def close(self):
        try:
            self._java.close()
        except BaseException:  # at interpreter exit the JVM side may be gone already
            pass


class BruteForceEngine:
    """The Java ``io.hnswj.BruteForceIndex`` behind a ``BFIndex``."""

    __slots__ = ("_java",)

    def __init__(self, java_index):
        self._java = java_index

    @classmethod
    def create(cls, space, dim, max_elements):
        return cls(_call(_Bridge.createBruteForceWithKernel, space, dim, max_elements, kernel))

    @classmethod
    def load(cls, path, space, dim):
        return cls(_call(_Bridge.bruteForceLoad, path, space, dim))

    def add(self, rows, n, labels):
        _call(_Bridge.bruteForceAdd, self._java, address(rows), n, address(labels))

    def search(self, rows, n, k, num_threads, filter_function):
        return _search(_Bridge.bruteForceQuery, self._java, rows, n, k, num_threads, filter_function)

    def delete(self, label):
        _call(self._java.delete, signed64(label))

    def save(self, path):
        _call(_Bridge.bruteForceSave, self._java, path)

    def size(self):
        return int(_call(self._java.size))

    def capacity(self):
        return int(_call(self._java.capacity))

    def close(self):
        try:
            self._java.close()
        except BaseException:
            pass
