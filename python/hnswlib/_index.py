"""hnswlib.Index and hnswlib.BFIndex, as in hnswlib 0.8.0 (python_bindings/bindings.cpp)."""
import math
import operator
import os
import struct
import sys

import numpy as np

from hnswlib import _bridge
from hnswlib._bridge import Bridge, call

_SPACES = ("l2", "ip", "cosine")
_SER_VERSION = 1
_HEADER = struct.Struct("<QQQQQQiIQQQdQ")  # hnswlib's 96-byte file header


def _default_threads():
    return os.cpu_count() or 1


def _incompatible(function, signature, args):
    """pybind11's TypeError for arguments that fail overload resolution (e.g. negative unsigned)."""
    invoked = ", ".join(repr(a) for a in args)
    return TypeError(
        f"{function}(): incompatible function arguments. The following argument types are supported:\n"
        f"    1. {signature}\n\nInvoked with: {invoked}")


def _unsigned(value, function, signature, args):
    """An int >= 0 (numpy ints accepted); anything else is pybind's TypeError."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    try:
        number = operator.index(value)
    except TypeError:
        raise _incompatible(function, signature, args) from None
    if number < 0 or number >= 1 << 64:
        raise _incompatible(function, signature, args)
    return number


def _signed(value, function, signature, args):
    try:
        return operator.index(value)
    except TypeError:
        raise _incompatible(function, signature, args) from None


def _as_rows(data):
    """The input as a C-contiguous float32 (rows, features) array, as pybind's forcecast does."""
    array = np.asarray(data, dtype=np.float32, order="C")
    if array.ndim == 1:
        return array.reshape(1, array.shape[0])
    if array.ndim == 2:
        return np.ascontiguousarray(array)
    raise RuntimeError(
        f"Input vector data wrong shape. Number of dimensions {array.ndim}. Data must be a 1D or 2D array.")


def _as_ids(ids, rows):
    """The ids as uint64 (one per row), or None; hnswlib's shape rules and messages."""
    if ids is None:
        return None
    array = np.asarray(ids)
    if array.dtype != np.uint64:
        array = array.astype(np.uint64)
    if not ((array.ndim == 1 and array.shape[0] == rows) or (array.ndim == 0 and rows == 1)):
        raise RuntimeError(
            f"The input label shape {array.ndim} does not match the input data vector shape {rows}")
    return np.ascontiguousarray(array.reshape(rows))


class Index:
    """An HNSW index: hnswlib.Index."""

    def __init__(self, *args, **kwargs):
        self._index = None
        self._ef_default = 10
        self._num_threads_default = _default_threads()
        self._cur_l = 0
        self._ep_added = False
        self._seed = 100
        if len(args) + len(kwargs) == 1:
            source = args[0] if args else kwargs.get("params", kwargs.get("index"))
            if isinstance(source, Index) and (args or "index" in kwargs):
                self._restore(source.__getstate__()[0])
                return
            if isinstance(source, dict) and (args or "params" in kwargs):
                self._restore(source)
                return
        space, dim = self._space_and_dim(args, kwargs)
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        self._space = space
        self._dim = dim

    @staticmethod
    def _space_and_dim(args, kwargs):
        names = ("space", "dim")
        values = dict(zip(names, args))
        if len(args) > 2 or set(kwargs) - set(names) or set(values) & set(kwargs):
            values = None
        else:
            values.update(kwargs)
        if values is None or len(values) != 2 or not isinstance(values["space"], str):
            raise TypeError(
                "__init__(): incompatible constructor arguments. The following argument types are supported:\n"
                "    1. hnswlib.Index(params: dict)\n"
                "    2. hnswlib.Index(index: hnswlib.Index)\n"
                "    3. hnswlib.Index(space: str, dim: int)\n\n"
                f"Invoked with: {', '.join(repr(a) for a in args)}"
                + (", " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) if kwargs else ""))
        try:
            dim = operator.index(values["dim"])
        except TypeError:
            raise TypeError("__init__(): incompatible constructor arguments.") from None
        return values["space"], dim

    # ------------------------------------------------------------------ helpers

    def _alg(self):
        if self._index is None:
            raise RuntimeError("Index not initialized: call init_index or load_index first")
        return self._index

    def _threads(self, num_threads):
        return num_threads if num_threads > 0 else self._num_threads_default

    # ------------------------------------------------------------------ building

    def init_index(self, max_elements, M=16, ef_construction=200, random_seed=100, allow_replace_deleted=False):
        signature = ("(self: hnswlib.Index, max_elements: int, M: int = 16, ef_construction: int = 200, "
                     "random_seed: int = 100, allow_replace_deleted: bool = False) -> None")
        args = (self, max_elements, M, ef_construction, random_seed, allow_replace_deleted)
        max_elements = _unsigned(max_elements, "init_index", signature, args)
        M = _unsigned(M, "init_index", signature, args)
        ef_construction = _unsigned(ef_construction, "init_index", signature, args)
        random_seed = _unsigned(random_seed, "init_index", signature, args)
        if self._index is not None:
            raise RuntimeError("The index is already initiated.")
        if M > 10000:
            print("warning: M parameter exceeds 10000 which may lead to adverse effects.", file=sys.stderr)
            M = 10000
        if M < 2:
            raise RuntimeError(f"M must be at least 2 (got {M}): with M = 1 hnswlib's level multiplier 1/ln(M) is infinite")
        if self._dim <= 0:
            raise RuntimeError(f"dim must be positive, got {self._dim}")
        if max_elements > 2**31 - 9:
            raise RuntimeError(f"Not enough memory: max_elements {max_elements} is above the supported 2147483639")
        self._index = call(Bridge.createIndex, self._space, self._dim, max_elements, M, ef_construction,
                           _bridge.signed64(random_seed), bool(allow_replace_deleted))
        self._seed = random_seed
        self._cur_l = 0
        call(self._index.setEf, self._ef_default)

    def add_items(self, data, ids=None, num_threads=-1, replace_deleted=False):
        alg = self._alg()
        rows = _as_rows(data)
        n, features = rows.shape
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = _as_ids(ids, n)
        if labels is None:
            labels = np.arange(self._cur_l, self._cur_l + n, dtype=np.uint64)
        if n == 0:
            return
        threads = self._threads(_signed(num_threads, "add_items", "", (self, data, ids, num_threads)))
        call(Bridge.addItems, alg, _bridge.address(rows), n, _bridge.address(labels), threads, bool(replace_deleted))
        self._ep_added = True
        self._cur_l += n

    # ------------------------------------------------------------------ searching

    def knn_query(self, data, k=1, num_threads=-1, filter=None):
        signature = ("(self: hnswlib.Index, data: object, k: int = 1, num_threads: int = -1, "
                     "filter: Callable[[int], bool] = None) -> object")
        k = _unsigned(k, "knn_query", signature, (self, data, k, num_threads, filter))
        num_threads = _signed(num_threads, "knn_query", signature, (self, data, k, num_threads, filter))
        alg = self._alg()
        rows = _as_rows(data)
        n, features = rows.shape
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = np.empty((n, k), dtype=np.uint64)
        distances = np.empty((n, k), dtype=np.float32)
        if n and k:
            call(Bridge.knnQuery, alg, _bridge.address(rows), n, k, self._threads(num_threads),
                 _bridge.as_predicate(filter), _bridge.address(labels), _bridge.address(distances))
        return labels, distances

    # ------------------------------------------------------------------ items

    def get_items(self, ids=None, return_type="numpy"):
        alg = self._alg()
        if ids is None:
            labels = np.empty(0, dtype=np.uint64)
        else:
            array = np.asarray(ids)
            if array.ndim == 0:
                raise ValueError("get_items accepts a list of indices and returns a list of vectors")
            count = array.shape[0]
            labels = np.ascontiguousarray(array.reshape(-1)[:count].astype(np.uint64))
        n = labels.shape[0]
        out = np.empty((n, self._dim), dtype=np.float32)
        if n:
            call(Bridge.getItems, alg, _bridge.address(labels), n, _bridge.address(out))
        if return_type == "list":
            return out.tolist()
        if return_type == "numpy":
            return out if n else np.empty((0,), dtype=np.float32)
        raise ValueError('return_type should be "numpy" or "list"')

    def get_ids_list(self):
        alg = self._alg()
        n = int(alg.size())
        out = np.empty(n, dtype=np.uint64)
        call(Bridge.copyLabels, alg, _bridge.address(out), n)
        return out.tolist()

    def mark_deleted(self, label):
        signature = "(self: hnswlib.Index, label: int) -> None"
        label = _unsigned(label, "mark_deleted", signature, (self, label))
        call(self._alg().markDeleted, _bridge.signed64(label))

    def unmark_deleted(self, label):
        signature = "(self: hnswlib.Index, label: int) -> None"
        label = _unsigned(label, "unmark_deleted", signature, (self, label))
        call(self._alg().unmarkDeleted, _bridge.signed64(label))

    def resize_index(self, new_size):
        signature = "(self: hnswlib.Index, new_size: int) -> None"
        new_size = _unsigned(new_size, "resize_index", signature, (self, new_size))
        alg = self._alg()
        if new_size > 2**31 - 9:
            raise RuntimeError("Not enough memory: resizeIndex failed to allocate base layer")
        call(alg.resize, new_size)

    # ------------------------------------------------------------------ parameters

    def set_ef(self, ef):
        ef = _unsigned(ef, "set_ef", "(self: hnswlib.Index, ef: int) -> None", (self, ef))
        self._ef_default = ef
        if self._index is not None:
            call(self._index.setEf, min(ef, 2**31 - 1))

    @property
    def ef(self):
        return int(self._index.ef()) if self._index is not None else self._ef_default

    @ef.setter
    def ef(self, value):
        self.set_ef(value)

    def set_num_threads(self, num_threads):
        self._num_threads_default = _signed(
            num_threads, "set_num_threads", "(self: hnswlib.Index, num_threads: int) -> None", (self, num_threads))

    @property
    def num_threads(self):
        return self._num_threads_default

    @num_threads.setter
    def num_threads(self, value):
        self.set_num_threads(value)

    def get_max_elements(self):
        return int(self._alg().capacity())

    def get_current_count(self):
        return int(self._alg().size())

    @property
    def max_elements(self):
        return int(self._index.capacity()) if self._index is not None else 0

    @property
    def element_count(self):
        return int(self._index.size()) if self._index is not None else 0

    @property
    def M(self):
        return int(self._index.m()) if self._index is not None else 0

    @property
    def ef_construction(self):
        return int(self._index.efConstruction()) if self._index is not None else 0

    @property
    def space(self):
        return self._space

    @property
    def dim(self):
        return self._dim

    def __setattr__(self, name, value):
        if name in ("space", "dim", "M", "ef_construction", "max_elements", "element_count"):
            raise AttributeError(f"property of '{type(self).__name__}' object has no setter")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"<hnswlib.Index(space='{self._space}', dim={self._dim})>"

    # ------------------------------------------------------------------ files

    def save_index(self, path_to_index):
        call(Bridge.saveIndex, self._alg(), os.fspath(path_to_index))

    def load_index(self, path_to_index, max_elements=0, allow_replace_deleted=False):
        signature = ("(self: hnswlib.Index, path_to_index: str, max_elements: int = 0, "
                     "allow_replace_deleted: bool = False) -> None")
        max_elements = _unsigned(max_elements, "load_index", signature, (self, path_to_index, max_elements))
        if self._index is not None:
            print("Warning: Calling load_index for an already inited index. Old index is being deallocated.",
                  file=sys.stderr)
        path = os.fspath(path_to_index)
        if not os.path.isfile(path):
            raise RuntimeError("Cannot open file")
        loaded = call(Bridge.loadIndex, path, self._space, self._dim, min(max_elements, 2**62),
                      bool(allow_replace_deleted))
        if self._index is not None:
            self._index.close()
        self._index = loaded
        self._cur_l = int(loaded.size())

    def index_file_size(self):
        return int(self._alg().serializedSize())

    # ------------------------------------------------------------------ pickling

    def __getstate__(self):
        params = {
            "ser_version": _SER_VERSION,
            "space": self._space,
            "dim": self._dim,
            "index_inited": self._index is not None,
            "ep_added": self._ep_added,
            "normalize": self._space == "cosine",
            "num_threads": self._num_threads_default,
            "seed": self._seed,
        }
        if self._index is None:
            params["ef"] = self._ef_default
            return (params,)
        params.update(_ann_data(self._index))
        return (params,)

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) != 1:
            raise RuntimeError("Invalid state!")
        self._restore(state[0])

    def _restore(self, params):
        if int(params["ser_version"]) > _SER_VERSION:
            raise RuntimeError("Unpickle Error: Invalid serialization version!")
        object.__setattr__(self, "_index", None)
        self._ef_default = 10
        self._cur_l = 0
        space = str(params["space"])
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        self._space = space
        self._dim = int(params["dim"])
        self._seed = int(params["seed"])
        if bool(params["index_inited"]):
            self._index = _restore_ann_data(params, self._space, self._dim, self._seed)
            self._cur_l = int(self._index.size())
        self._ep_added = bool(params["ep_added"])
        self._num_threads_default = int(params["num_threads"])
        self._ef_default = int(params["ef"])
        if self._index is not None:
            call(self._index.setEf, self._ef_default)

    def __del__(self):
        index = getattr(self, "_index", None)
        if index is not None:
            try:
                index.close()
            except BaseException:
                pass


def _ann_data(alg):
    """hnswlib's pickled graph fields, taken from the engine's file-format bytes."""
    blob = _bridge.read_bytes(lambda addr, size: Bridge.serializeInto(alg, addr, size), int(alg.serializedSize()))
    (offset_level0, max_elements, count, size_data, label_offset, offset_data, max_level, entry,
     max_m, max_m0, m, mult, ef_construction) = _HEADER.unpack_from(blob, 0)
    level0_end = 96 + count * size_data
    data_level0 = blob[96:level0_end].view(np.int8).copy()
    size_links = 4 + 4 * max_m
    levels = np.zeros(max_elements, dtype=np.int32)
    link_parts = []
    position = level0_end
    for i in range(count):
        length = int(blob[position:position + 4].view("<u4")[0])
        position += 4
        if length:
            levels[i] = length // size_links
            link_parts.append(blob[position:position + length])
            position += length
    link_lists = (np.concatenate(link_parts) if link_parts else np.empty(0, dtype=np.uint8)).view(np.int8)
    labels = data_level0.view(np.uint8).reshape(count, size_data)[:, label_offset:label_offset + 8].copy().view("<u8").reshape(count)
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
        "ef": int(alg.ef()),
        "has_deletions": bool(alg.deletedCount()),
        "size_links_per_element": size_links,
        "allow_replace_deleted": bool(alg.allowReplaceDeleted()),
        "label_lookup_external": labels.astype(np.uint64),
        "label_lookup_internal": np.arange(count, dtype=np.uint32),
        "element_levels": levels,
        "data_level0": data_level0,
        "link_lists": link_lists,
    }


def _check(condition, field):
    if not condition:
        raise RuntimeError(f"Unpickle Error: Invalid value of {field} ")


def _restore_ann_data(d, space, dim, seed):
    """Rebuilds the engine from a pickled state: checks the derived layout, reassembles the file bytes."""
    max_elements = int(d["max_elements"])
    m = int(d["M"])
    ef_construction = max(int(d["ef_construction"]), m)
    max_m0 = 2 * m
    size_links_level0 = 4 + 4 * max_m0
    size_data = size_links_level0 + 4 * dim + 8
    _check(int(d["offset_level0"]) == 0, "offsetLevel0_")
    _check(int(d["size_data_per_element"]) == size_data, "size_data_per_element_")
    _check(int(d["label_offset"]) == size_links_level0 + 4 * dim, "label_offset_")
    _check(int(d["offset_data"]) == size_links_level0, "offsetData_")
    _check(int(d["max_M"]) == m, "maxM_")
    _check(int(d["max_M0"]) == max_m0, "maxM0_")
    _check(m >= 2, "M_")
    _check(float(d["mult"]) == 1 / math.log(1.0 * m), "mult_")
    _check(int(d["ef_construction"]) == ef_construction, "ef_construction_")
    _check(int(d["size_links_per_element"]) == 4 + 4 * m, "size_links_per_element_")
    count = int(d["cur_element_count"])
    level0 = np.ascontiguousarray(d["data_level0"]).view(np.uint8).reshape(-1)
    links = np.ascontiguousarray(d["link_lists"]).view(np.uint8).reshape(-1)
    levels = np.asarray(d["element_levels"], dtype=np.int64).reshape(-1)
    _check(level0.shape[0] == count * size_data, "data_level0")
    _check(levels.shape[0] >= count and (levels[:count] >= 0).all(), "element_levels")
    size_links = 4 + 4 * m
    lengths = (levels[:count] * size_links).astype("<u4")
    _check(int(lengths.sum()) == links.shape[0], "link_lists")
    header = _HEADER.pack(0, max_elements, count, size_data, size_links_level0 + 4 * dim, size_links_level0,
                          int(d["max_level"]), int(d["enterpoint_node"]) & 0xFFFFFFFF, m, max_m0, m,
                          float(d["mult"]), ef_construction)
    parts = [np.frombuffer(header, dtype=np.uint8), level0]
    offset = 0
    for i in range(count):
        parts.append(lengths[i:i + 1].view(np.uint8))
        length = int(lengths[i])
        if length:
            parts.append(links[offset:offset + length])
            offset += length
    blob = np.ascontiguousarray(np.concatenate(parts))
    return call(Bridge.deserialize, _bridge.address(blob), blob.shape[0], space, dim, max_elements,
                bool(d.get("allow_replace_deleted", False)), _bridge.signed64(seed))


class BFIndex:
    """Exact (brute-force) search: hnswlib.BFIndex."""

    def __init__(self, space, dim):
        if not isinstance(space, str):
            raise TypeError(
                "__init__(): incompatible constructor arguments. The following argument types are supported:\n"
                "    1. hnswlib.BFIndex(space: str, dim: int)\n\n"
                f"Invoked with: {space!r}, {dim!r}")
        if space not in _SPACES:
            raise RuntimeError("Space name must be one of l2, ip, or cosine.")
        self._space = space
        self._dim = operator.index(dim)
        self._index = None
        self._num_threads_default = _default_threads()
        self._cur_l = 0

    def _alg(self):
        if self._index is None:
            raise RuntimeError("Index not initialized: call init_index or load_index first")
        return self._index

    def init_index(self, max_elements):
        max_elements = _unsigned(max_elements, "init_index",
                                 "(self: hnswlib.BFIndex, max_elements: int) -> None", (self, max_elements))
        if self._index is not None:
            raise RuntimeError("The index is already initiated.")
        if self._dim <= 0:
            raise RuntimeError(f"dim must be positive, got {self._dim}")
        if max_elements > 2**31 - 9:
            raise RuntimeError(f"Not enough memory: max_elements {max_elements} is above the supported 2147483639")
        self._index = call(Bridge.createBruteForce, self._space, self._dim, max_elements)
        self._cur_l = 0

    def add_items(self, data, ids=None):
        alg = self._alg()
        rows = _as_rows(data)
        n, features = rows.shape
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = _as_ids(ids, n)
        if labels is None:
            labels = np.arange(self._cur_l, self._cur_l + n, dtype=np.uint64)
        if n:
            call(Bridge.bruteForceAdd, alg, _bridge.address(rows), n, _bridge.address(labels))
        self._cur_l += n

    def delete_vector(self, label):
        label = _unsigned(label, "delete_vector", "(self: hnswlib.BFIndex, label: int) -> None", (self, label))
        call(self._alg().delete, _bridge.signed64(label))

    def knn_query(self, data, k=1, num_threads=-1, filter=None):
        signature = ("(self: hnswlib.BFIndex, data: object, k: int = 1, num_threads: int = -1, "
                     "filter: Callable[[int], bool] = None) -> object")
        k = _unsigned(k, "knn_query", signature, (self, data, k, num_threads, filter))
        num_threads = _signed(num_threads, "knn_query", signature, (self, data, k, num_threads, filter))
        alg = self._alg()
        rows = _as_rows(data)
        n, features = rows.shape
        if features != self._dim:
            raise RuntimeError("Wrong dimensionality of the vectors")
        labels = np.empty((n, k), dtype=np.uint64)
        distances = np.empty((n, k), dtype=np.float32)
        if n and k:
            threads = num_threads if num_threads > 0 else self._num_threads_default
            call(Bridge.bruteForceQuery, alg, _bridge.address(rows), n, k, threads,
                 _bridge.as_predicate(filter), _bridge.address(labels), _bridge.address(distances))
        return labels, distances

    def save_index(self, path_to_index):
        call(Bridge.bruteForceSave, self._alg(), os.fspath(path_to_index))

    def load_index(self, path_to_index, max_elements=0):
        path = os.fspath(path_to_index)
        if not os.path.isfile(path):
            raise RuntimeError("Cannot open file")
        loaded = call(Bridge.bruteForceLoad, path, self._space, self._dim)
        if self._index is not None:
            self._index.close()
        self._index = loaded
        self._cur_l = int(loaded.size())

    def set_num_threads(self, num_threads):
        self._num_threads_default = _signed(
            num_threads, "set_num_threads", "(self: hnswlib.BFIndex, num_threads: int) -> None", (self, num_threads))

    @property
    def num_threads(self):
        return self._num_threads_default

    @num_threads.setter
    def num_threads(self, value):
        self.set_num_threads(value)

    def get_max_elements(self):
        return int(self._alg().capacity())

    def get_current_count(self):
        return int(self._alg().size())

    @property
    def space(self):
        return self._space

    @property
    def dim(self):
        return self._dim

    def __setattr__(self, name, value):
        if name in ("space", "dim"):
            raise AttributeError(f"property of '{type(self).__name__}' object has no setter")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"<hnswlib.BFIndex(space='{self._space}', dim={self._dim})>"

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle 'hnswlib.BFIndex' object")

    def __del__(self):
        index = getattr(self, "_index", None)
        if index is not None:
            try:
                index.close()
            except BaseException:
                pass
