"""hnswlib.Index and hnswlib.BFIndex as in hnswlib 0.8.0 (python_bindings/bindings.cpp): arguments,
defaults, return types, exceptions and pickle layout. Java is reached only through ``_bridge``.

Where hnswlib 0.8.0 crashes or reads garbage, these raise instead: methods before ``init_index``,
a query of the wrong width, ``BFIndex`` searches with k above its count or on an empty index.
"""
import math
import operator
import os
import struct
import sys
import weakref

import numpy as np

from hnswlib import _bridge

_SPACES = ("l2", "ip", "cosine")
_SER_VERSION = 1
_HEADER = struct.Struct("<QQQQQQiIQQQdQ")  # hnswlib's 96-byte file header
_MAX_M = 10000
_MAX_ELEMENTS = 2**31 - 9  # the engine's internal ids are Java ints
# hnswlib's constructor builds a std::vector<std::mutex>(max_elements) (40-byte mutexes): above
# libstdc++'s max_size() that is std::length_error, which pybind11 raises as ValueError
_MAX_VECTOR_OF_MUTEXES = (2**63 - 1) // 40
_NOT_INITIALIZED = "Index not initialized: call init_index or load_index first"
_NOT_ENOUGH = "Cannot return the results in a contiguous 2D array. Probably ef or M is too small"


def _default_threads():
    return os.cpu_count() or 1


# ------------------------------------------------------------------------------ pybind11's argument rules

def _incompatible(function, signature, args):
    """pybind11's TypeError for arguments that fail overload resolution (e.g. a negative unsigned)."""
    invoked = ", ".join(repr(a) for a in args)
    return TypeError(
        f"{function}(): incompatible function arguments. The following argument types are supported:\n"
        f"    1. {signature}\n\nInvoked with: {invoked}")


def _integer(value, low, high, function, signature, args):
    """An integer in [low, high] (numpy integers accepted); floats, strings and out-of-range values
    are pybind's TypeError."""
    if isinstance(value, float):
        raise _incompatible(function, signature, args)
    try:
        number = operator.index(value)
    except TypeError:
        raise _incompatible(function, signature, args) from None
    if not low <= number <= high:
        raise _incompatible(function, signature, args)
    return number


def _size_t(value, function, signature, args):
    return _integer(value, 0, 2**64 - 1, function, signature, args)


def _int(value, function, signature, args):
    return _integer(value, -2**31, 2**31 - 1, function, signature, args)


def _callable_or_none(value, function, signature, args):
    if value is not None and not callable(value):
        raise _incompatible(function, signature, args)
    return value


def _path(value, function, signature, args):
    if isinstance(value, bytes):
        return os.fsdecode(value)
    try:
        return os.fspath(value)
    except TypeError:
        raise _incompatible(function, signature, args) from None


def _own(owner, engine):
    """Makes `engine` (or None) the graph of an Index or BFIndex and closes the previous one now. GraalPy
    does not call __del__, so a weakref.finalize closes the engine (frees its off-heap memory) once the
    owner has been collected; at interpreter exit nothing needs closing."""
    previous = getattr(owner, "_release", None)
    owner._engine = engine
    owner._release = None
    if engine is not None:
        owner._release = weakref.finalize(owner, engine.close)
        owner._release.atexit = False
    if previous is not None:
        previous()  # a finalize runs once: closes the old engine unless that happened already


class _ReadOnly(property):
    """A read-only property with pybind11's message on assignment."""

    def __set__(self, instance, value):
        raise AttributeError(f"property of '{type(instance).__name__}' object has no setter")


def _ids_for(ids, rows):
    """The ids of an add as uint64 (one per row); hnswlib's shape rule and message."""
    labels = _bridge.uint64_array(ids)
    if not ((labels.ndim == 1 and labels.shape[0] == rows) or (labels.ndim == 0 and rows == 1)):
        raise RuntimeError(
            f"The input label shape {labels.ndim} does not match the input data vector shape {rows}")
    return labels.reshape(rows)


class Index:
    """An HNSW index: hnswlib.Index.

    Index(space, dim), Index(params: dict) (a pickle's state) or Index(index) (a copy).
    """

    _SIGNATURES = (
        "__init__(): incompatible constructor arguments. The following argument types are supported:\n"
        "    1. hnswlib.Index(params: dict)\n"
        "    2. hnswlib.Index(index: hnswlib.Index)\n"
        "    3. hnswlib.Index(space: str, dim: int)\n\n")

    def __init__(self, *args, **kwargs):
        if len(args) + len(kwargs) == 1:
            name, source = ("", args[0]) if args else next(iter(kwargs.items()))
            if name in ("", "params") and isinstance(source, dict):
                self._restore(source)
                return
            if name in ("", "index") and isinstance(source, Index):
                self._restore(source.__getstate__()[0])
                return
        values = dict(zip(("space", "dim"), args))
        if len(args) > 2 or set(kwargs) - {"space", "dim"} or set(kwargs) & set(values):
            raise self._constructor_error(args, kwargs)
        values.update(kwargs)
        space, dim = values.get("space"), values.get("dim")
        if len(values) != 2 or not isinstance(space, str) or isinstance(dim, float):
            raise self._constructor_error(args, kwargs)
        try:
            dim = operator.index(dim)
        except TypeError:
            raise self._constructor_error(args, kwargs) from None
        self._init_fields(space, dim)

    def _constructor_error(self, args, kwargs):
        invoked = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
        return TypeError(self._SIGNATURES + "Invoked with: " + ", ".join(invoked))

    def _init_fields(self, space, dim):
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        self._space = space
        self._dim = dim
        self._engine = None
        self._ef_default = 10
        self._num_threads_default = _default_threads()
        self._cur_l = 0
        self._ep_added = True
        self._seed = 100  # hnswlib leaves it uninitialised until init_index

    def _alg(self):
        engine = self._engine
        if engine is None:
            raise RuntimeError(_NOT_INITIALIZED)
        return engine

    def _threads(self, num_threads):
        """hnswlib's thread count for a call: the default if the call gives <= 0; a default of 0 means
        all cores (0 for the engine), a negative default makes every call single-threaded."""
        if num_threads > 0:
            return num_threads
        default = self._num_threads_default
        return 1 if default < 0 else default

    # ------------------------------------------------------------------------------ building

    def init_index(self, max_elements, M=16, ef_construction=200, random_seed=100, allow_replace_deleted=False):
        signature = ("(self: hnswlib.Index, max_elements: int, M: int = 16, ef_construction: int = 200, "
                     "random_seed: int = 100, allow_replace_deleted: bool = False) -> None")
        args = (self, max_elements, M, ef_construction, random_seed, allow_replace_deleted)
        max_elements = _size_t(max_elements, "init_index", signature, args)
        M = _size_t(M, "init_index", signature, args)
        ef_construction = _size_t(ef_construction, "init_index", signature, args)
        random_seed = _size_t(random_seed, "init_index", signature, args)
        if self._engine is not None:
            raise RuntimeError("The index is already initiated.")
        if M > _MAX_M:
            print("warning: M parameter exceeds 10000 which may lead to adverse effects.\n"
                  "         Cap to 10000 will be applied for the rest of the processing.", file=sys.stderr)
            M = _MAX_M
        if M < 2:
            raise RuntimeError(f"M must be at least 2, got {M} (hnswlib's level multiplier 1/ln(M) needs M > 1)")
        if self._dim <= 0:
            raise RuntimeError(f"dim must be positive, got {self._dim}")
        if max_elements > _MAX_VECTOR_OF_MUTEXES:
            raise ValueError("cannot create std::vector larger than max_size()")
        if max_elements > _MAX_ELEMENTS:
            raise MemoryError(f"max_elements {max_elements} is above the supported {_MAX_ELEMENTS}")
        _own(self, _bridge.HnswEngine.create(self._space, self._dim, max_elements, M,
                                             min(ef_construction, 2**31 - 1), random_seed,
                                             allow_replace_deleted))
        self._cur_l = 0
        self._ep_added = False
        self._seed = random_seed
        self._engine.set_ef(self._ef_default)

    def add_items(self, data, ids=None, num_threads=-1, replace_deleted=False):
        signature = ("(self: hnswlib.Index, data: object, ids: object = None, num_threads: int = -1, "
                     "replace_deleted: bool = False) -> None")
        num_threads = _int(num_threads, "add_items", signature, (self, data, ids, num_threads, replace_deleted))
        rows, n, features = _bridge.float_rows(data)
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = (np.arange(self._cur_l, self._cur_l + n, dtype=np.uint64) if ids is None
                  else _ids_for(ids, n))
        engine = self._alg()
        if not self._ep_added:
            if n == 0:  # hnswlib reads the first row to insert it alone
                raise IndexError("index 0 is out of bounds for axis 0 with size 0")
            try:
                engine.add(rows, n, labels, self._threads(num_threads), replace_deleted)
            finally:
                self._ep_added = engine.size() > 0
        elif n:
            engine.add(rows, n, labels, self._threads(num_threads), replace_deleted)
        self._cur_l += n

    # ------------------------------------------------------------------------------ searching

    def knn_query(self, data, k=1, num_threads=-1, filter=None):
        signature = ("(self: hnswlib.Index, data: object, k: int = 1, num_threads: int = -1, "
                     "filter: Callable[[int], bool] = None) -> object")
        args = (self, data, k, num_threads, filter)
        k = _size_t(k, "knn_query", signature, args)
        num_threads = _int(num_threads, "knn_query", signature, args)
        _callable_or_none(filter, "knn_query", signature, args)
        rows, n, features = _bridge.float_rows(data)
        engine = self._alg()
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        if k > 4096 and n and k > engine.size():  # before allocating (n, k) results
            raise RuntimeError(_NOT_ENOUGH)
        return engine.search(rows, n, k, self._threads(num_threads), filter)

    # ------------------------------------------------------------------------------ items

    def get_items(self, ids=None, return_type="numpy"):
        if not isinstance(return_type, str):
            raise _incompatible("get_items", "(self: hnswlib.Index, ids: object = None, "
                                "return_type: str = 'numpy') -> object", (self, ids, return_type))
        if return_type not in ("numpy", "list"):
            raise ValueError('return_type should be "numpy" or "list"')
        if ids is None:
            labels = np.empty(0, dtype=np.uint64)
        else:
            array = _bridge.uint64_array(ids)
            if array.ndim == 0:
                raise ValueError("get_items accepts a list of indices and returns a list of vectors")
            # hnswlib reads the first shape[0] values in flat order (a (n, 1) array works)
            labels = np.ascontiguousarray(array.reshape(-1)[:array.shape[0]])
        n = labels.shape[0]
        if n == 0:
            return [] if return_type == "list" else np.empty((0,), dtype=np.float32)
        vectors = self._alg().vectors(labels, n)
        return vectors.tolist() if return_type == "list" else vectors

    def get_ids_list(self):
        return self._alg().labels().tolist()

    def mark_deleted(self, label):
        label = _size_t(label, "mark_deleted", "(self: hnswlib.Index, label: int) -> None", (self, label))
        self._alg().mark_deleted(label)

    def unmark_deleted(self, label):
        label = _size_t(label, "unmark_deleted", "(self: hnswlib.Index, label: int) -> None", (self, label))
        self._alg().unmark_deleted(label)

    def resize_index(self, new_size):
        new_size = _size_t(new_size, "resize_index", "(self: hnswlib.Index, new_size: int) -> None",
                           (self, new_size))
        engine = self._alg()
        if new_size > _MAX_ELEMENTS:
            raise MemoryError(f"new_size {new_size} is above the supported {_MAX_ELEMENTS}")
        engine.resize(new_size)

    # ------------------------------------------------------------------------------ parameters

    def set_ef(self, ef):
        ef = _size_t(ef, "set_ef", "(self: hnswlib.Index, ef: int) -> None", (self, ef))
        self._ef_default = ef
        if self._engine is not None:
            self._engine.set_ef(ef)

    @property
    def ef(self):
        return self._engine.ef() if self._engine is not None else self._ef_default

    @ef.setter
    def ef(self, value):
        self.set_ef(value)

    def set_num_threads(self, num_threads):
        self._num_threads_default = _int(num_threads, "set_num_threads",
                                         "(self: hnswlib.Index, num_threads: int) -> None", (self, num_threads))

    @property
    def num_threads(self):
        return self._num_threads_default

    @num_threads.setter
    def num_threads(self, value):
        self.set_num_threads(value)

    def get_max_elements(self):
        return self._alg().capacity()

    def get_current_count(self):
        return self._alg().size()

    @_ReadOnly
    def max_elements(self):
        return self._engine.capacity() if self._engine is not None else 0

    @_ReadOnly
    def element_count(self):
        return self._engine.size() if self._engine is not None else 0

    @_ReadOnly
    def M(self):
        return self._engine.m() if self._engine is not None else 0

    @_ReadOnly
    def ef_construction(self):
        return self._engine.ef_construction() if self._engine is not None else 0

    @_ReadOnly
    def space(self):
        return self._space

    @_ReadOnly
    def dim(self):
        return self._dim

    def __repr__(self):
        return f"<hnswlib.Index(space='{self._space}', dim={self._dim})>"

    # ------------------------------------------------------------------------------ files

    def save_index(self, path_to_index):
        path = _path(path_to_index, "save_index", "(self: hnswlib.Index, path_to_index: str) -> None",
                     (self, path_to_index))
        self._alg().save(path)

    def load_index(self, path_to_index, max_elements=0, allow_replace_deleted=False):
        signature = ("(self: hnswlib.Index, path_to_index: str, max_elements: int = 0, "
                     "allow_replace_deleted: bool = False) -> None")
        args = (self, path_to_index, max_elements, allow_replace_deleted)
        path = _path(path_to_index, "load_index", signature, args)
        max_elements = min(_size_t(max_elements, "load_index", signature, args), 2**62)
        if self._engine is not None:
            print("Warning: Calling load_index for an already inited index. Old index is being deallocated.",
                  file=sys.stderr)
        if not os.path.isfile(path):
            raise RuntimeError("Cannot open file")
        loaded = _bridge.HnswEngine.load(path, self._space, self._dim, max_elements, allow_replace_deleted)
        _own(self, loaded)
        self._cur_l = loaded.size()

    def index_file_size(self):
        return self._alg().file_size()

    # ------------------------------------------------------------------------------ pickling

    def __getstate__(self):
        params = {
            "ser_version": _SER_VERSION,
            "space": self._space,
            "dim": self._dim,
            "index_inited": self._engine is not None,
            "ep_added": self._ep_added,
            "normalize": self._space == "cosine",
            "num_threads": self._num_threads_default,
            "seed": self._seed,
        }
        if self._engine is None:
            params["ef"] = self._ef_default
        else:
            params.update(_ann_data(self._engine))
        return (params,)

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) != 1:
            raise RuntimeError("Invalid state!")
        self._restore(state[0])

    def _restore(self, params):
        """hnswlib's createFromParams: the Index described by a pickle's state dict. Everything is read
        and the new graph built before this object changes, so a bad state leaves it as it was."""
        if int(params["ser_version"]) > _SER_VERSION:
            raise RuntimeError("Unpickle Error: Invalid serialization version!")
        space, dim, seed = str(params["space"]), int(params["dim"]), int(params["seed"])
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        ep_added, num_threads, ef = bool(params["ep_added"]), int(params["num_threads"]), int(params["ef"])
        engine = None
        if bool(params["index_inited"]):
            cur_l = int(params["cur_element_count"])
            engine = _engine_from_state(params, space, dim, seed)
            engine.set_ef(ef)
        self._init_fields(space, dim)
        _own(self, engine)
        if engine is not None:
            self._cur_l = cur_l
        self._seed = seed
        self._ep_added = ep_added
        self._num_threads_default = num_threads
        self._ef_default = ef


def _ann_data(engine):
    """hnswlib's pickled graph fields (getAnnData), cut out of the engine's file-format bytes."""
    blob = engine.serialized()
    (offset_level0, max_elements, count, size_data, label_offset, offset_data, max_level, entry,
     max_m, max_m0, m, mult, ef_construction) = _HEADER.unpack(blob[:_HEADER.size].tobytes())
    size_links = 4 + 4 * max_m
    level0_end = _HEADER.size + count * size_data
    data_level0 = blob[_HEADER.size:level0_end].view(np.int8).copy()
    element_levels = np.zeros(max_elements, dtype=np.int32)
    link_lists = np.empty(blob.shape[0] - level0_end - 4 * count, dtype=np.int8)
    _bridge.split_upper_levels(blob, count, size_data, size_links, element_levels, link_lists)
    records = data_level0.view(np.uint8).reshape(count, size_data)
    labels = np.ascontiguousarray(records[:, label_offset:label_offset + 8]).view("<u8").reshape(count)
    return {
        "offset_level0": offset_level0,
        "max_elements": max_elements,
        "cur_element_count": count,
        "size_data_per_element": size_data,
        "label_offset": label_offset,
        "offset_data": offset_data,
        "max_level": max_level,
        "enterpoint_node": entry,
        "max_M": max_m,
        "max_M0": max_m0,
        "M": m,
        "mult": mult,
        "ef_construction": ef_construction,
        "ef": engine.ef(),
        "has_deletions": engine.deleted_count() > 0,
        "size_links_per_element": size_links,
        "allow_replace_deleted": engine.allow_replace_deleted(),
        "label_lookup_external": labels.astype(np.uint64),
        "label_lookup_internal": np.arange(count, dtype=np.uint32),
        "element_levels": element_levels,
        "data_level0": data_level0,
        "link_lists": link_lists,
    }


def _check(condition, field):
    if not condition:
        raise RuntimeError(f"Unpickle Error: Invalid value of {field} ")


def _engine_from_state(d, space, dim, seed):
    """hnswlib's setAnnData: checks the layout fields against those derived from (max_elements, M,
    ef_construction, dim), then reassembles the file format and reads it."""
    max_elements = int(d["max_elements"])
    m = min(int(d["M"]), _MAX_M)
    _check(m >= 2, "M_")
    if dim <= 0:
        raise RuntimeError(f"dim must be positive, got {dim}")
    ef_construction = max(int(d["ef_construction"]), m)
    size_links_level0 = 4 + 4 * 2 * m
    size_data = size_links_level0 + 4 * dim + 8
    size_links = 4 + 4 * m
    mult = float(d["mult"])
    _check(int(d["offset_level0"]) == 0, "offsetLevel0_")
    _check(int(d["size_data_per_element"]) == size_data, "size_data_per_element_")
    _check(int(d["label_offset"]) == size_links_level0 + 4 * dim, "label_offset_")
    _check(int(d["offset_data"]) == size_links_level0, "offsetData_")
    _check(int(d["max_M"]) == m, "maxM_")
    _check(int(d["max_M0"]) == 2 * m, "maxM0_")
    _check(int(d["M"]) == m, "M_")
    # hnswlib compares 1/log(M) exactly; the JVM's log may differ from glibc's in the last bit
    _check(math.isclose(mult, 1 / math.log(1.0 * m), rel_tol=1e-12), "mult_")
    _check(int(d["ef_construction"]) == ef_construction, "ef_construction_")
    _check(int(d["size_links_per_element"]) == size_links, "size_links_per_element_")
    count = int(d["cur_element_count"])
    data_level0 = np.ascontiguousarray(d["data_level0"], dtype=np.int8).reshape(-1)
    link_lists = np.ascontiguousarray(d["link_lists"], dtype=np.int8).reshape(-1)
    element_levels = np.ascontiguousarray(d["element_levels"], dtype=np.int32).reshape(-1)
    if (count > max_elements or data_level0.shape[0] != count * size_data or element_levels.shape[0] < count
            or (element_levels[:count] < 0).any()):
        raise RuntimeError("Index seems to be corrupted or unsupported")
    header = np.frombuffer(_HEADER.pack(
        0, max_elements, count, size_data, size_links_level0 + 4 * dim, size_links_level0,
        int(d["max_level"]), int(d["enterpoint_node"]) & 0xFFFFFFFF, m, 2 * m, m, mult, ef_construction),
        dtype=np.uint8)
    return _bridge.HnswEngine.from_pickle(header, data_level0, element_levels, count, link_lists, size_links,
                                          space, dim, max_elements, bool(d.get("allow_replace_deleted", False)),
                                          seed)


class BFIndex:
    """Exact (brute-force) search: hnswlib.BFIndex."""

    def __init__(self, space, dim):
        if not isinstance(space, str) or isinstance(dim, float):
            raise self._constructor_error(space, dim)
        try:
            dim = operator.index(dim)
        except TypeError:
            raise self._constructor_error(space, dim) from None
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        self._space = space
        self._dim = dim
        self._engine = None
        self._num_threads_default = _default_threads()
        self._cur_l = 0

    @staticmethod
    def _constructor_error(space, dim):
        return TypeError(
            "__init__(): incompatible constructor arguments. The following argument types are supported:\n"
            "    1. hnswlib.BFIndex(space: str, dim: int)\n\n"
            f"Invoked with: {space!r}, {dim!r}")

    def _alg(self):
        engine = self._engine
        if engine is None:
            raise RuntimeError(_NOT_INITIALIZED)
        return engine

    def init_index(self, max_elements):
        max_elements = _size_t(max_elements, "init_index", "(self: hnswlib.BFIndex, max_elements: int) -> None",
                               (self, max_elements))
        if self._engine is not None:
            raise RuntimeError("The index is already initiated.")
        if self._dim <= 0:
            raise RuntimeError(f"dim must be positive, got {self._dim}")
        if max_elements > _MAX_ELEMENTS:
            raise MemoryError(f"max_elements {max_elements} is above the supported {_MAX_ELEMENTS}")
        _own(self, _bridge.BruteForceEngine.create(self._space, self._dim, max_elements))
        self._cur_l = 0

    def add_items(self, data, ids=None):
        rows, n, features = _bridge.float_rows(data)
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = (np.arange(self._cur_l, self._cur_l + n, dtype=np.uint64) if ids is None
                  else _ids_for(ids, n))
        engine = self._alg()
        if n:
            engine.add(rows, n, labels)
        self._cur_l += n

    def delete_vector(self, label):
        label = _size_t(label, "delete_vector", "(self: hnswlib.BFIndex, label: int) -> None", (self, label))
        self._alg().delete(label)

    def knn_query(self, data, k=1, num_threads=-1, filter=None):
        signature = ("(self: hnswlib.BFIndex, data: object, k: int = 1, num_threads: int = -1, "
                     "filter: Callable[[int], bool] = None) -> object")
        args = (self, data, k, num_threads, filter)
        k = _size_t(k, "knn_query", signature, args)
        num_threads = _int(num_threads, "knn_query", signature, args)
        _callable_or_none(filter, "knn_query", signature, args)
        rows, n, features = _bridge.float_rows(data)
        engine = self._alg()
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        if k > 4096 and n and k > engine.size():  # before allocating (n, k) results
            raise RuntimeError(_NOT_ENOUGH)
        if num_threads <= 0:
            num_threads = 1 if self._num_threads_default < 0 else self._num_threads_default
        return engine.search(rows, n, k, num_threads, filter)

    def save_index(self, path_to_index):
        path = _path(path_to_index, "save_index", "(self: hnswlib.BFIndex, path_to_index: str) -> None",
                     (self, path_to_index))
        self._alg().save(path)

    def load_index(self, path_to_index, max_elements=0):
        signature = "(self: hnswlib.BFIndex, path_to_index: str, max_elements: int = 0) -> None"
        path = _path(path_to_index, "load_index", signature, (self, path_to_index, max_elements))
        _size_t(max_elements, "load_index", signature, (self, path_to_index, max_elements))  # unused, as in hnswlib
        if self._engine is not None:
            print("Warning: Calling load_index for an already inited index. Old index is being deallocated.",
                  file=sys.stderr)
        if not os.path.isfile(path):
            raise RuntimeError("Cannot open file")
        loaded = _bridge.BruteForceEngine.load(path, self._space, self._dim)
        _own(self, loaded)
        self._cur_l = loaded.size()

    def set_num_threads(self, num_threads):
        self._num_threads_default = _int(num_threads, "set_num_threads",
                                         "(self: hnswlib.BFIndex, num_threads: int) -> None", (self, num_threads))

    @property
    def num_threads(self):
        return self._num_threads_default

    @num_threads.setter
    def num_threads(self, value):
        self.set_num_threads(value)

    def get_max_elements(self):
        return self._alg().capacity()

    def get_current_count(self):
        return self._alg().size()

    def __repr__(self):
        return f"<hnswlib.BFIndex(space='{self._space}', dim={self._dim})>"

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle 'hnswlib.BFIndex' object")


# pickles name the classes as hnswlib's do (hnswlib.Index), so they load in either implementation
Index.__module__ = BFIndex.__module__ = "hnswlib"
