"""Randomized abuse of hnswlib.Index and hnswlib.BFIndex against a model of hnswlib's behaviour.

Random sequences of calls to every public method and property, with good and bad arguments (wrong types,
shapes, dtypes and widths, NaN and inf, negative, huge and duplicate ids, k=0 and k above the count, calls
before init_index, beyond capacity, bad paths and pickles) mixed with valid calls. Every call either does
what hnswlib's reference says (checked against the model: ids, counts, stored vectors, the validity of
every search result) or raises hnswlib's exception type with its message; after a failed call the index
answers exactly as before (same ids, counts, vectors and the same knn_query results for a fixed probe set).
Where hnswlib crashes or misbehaves, the module must raise a clear error: those cases are asserted too.

    HNSWJ_ABUSE_CALLS=20000 bin/graalpy -m pytest tests/test_abuse.py -q -p no:cacheprovider   # a soak
    HNSWJ_TEST_SEED=<n> ... reproduces a run (the seed is in every assertion message)
"""
import math
import os
import pickle
import re
import tempfile

import numpy as np
import pytest

import hnswlib

CALLS = int(os.environ.get("HNSWJ_ABUSE_CALLS", "2500"))

NOT_ENOUGH = "^Cannot return the results in a contiguous 2D array. Probably ef or M is too small$"
NOT_INIT = "^Index not initialized"
INCOMPATIBLE = r"incompatible function arguments"
LABEL_NOT_FOUND = "^Label not found$"
CAPACITY = "^The number of elements exceeds the specified limit$"
SHAPE = "^Input vector data wrong shape. Number of dimensions {}. Data must be a 1D or 2D array.$"
WRONG_DIM = "^Wrong dimensionality of the vectors$"
CAST = r"^Unable to cast Python instance to C\+\+ type"
CORRUPT = "^Index seems to be corrupted or unsupported$"
HUGE_LABELS = (2**64 - 1, 2**63, 2**63 - 1, 2**32, 2**32 - 1)
CPU = os.cpu_count() or 1


class Failure(AssertionError):
    pass


def normalized(vector):
    """hnswlib's cosine normalisation, in float64 (the model's side)."""
    v = vector.astype(np.float64)
    return v / (math.sqrt(float((v * v).sum())) + 1e-30)


def normalized_f32(vector):
    """hnswlib's cosine normalisation as it runs, in float32 with a sequential sum (overflow included)."""
    v = vector.astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        norm = np.cumsum(v * v, dtype=np.float32)[-1]
        return v * (np.float32(1) / (np.sqrt(norm) + np.float32(1e-30)))


def weird(vector):
    """Values whose distances float32 cannot reproduce within a tolerance (the model skips those checks)."""
    a = np.abs(vector.astype(np.float64))
    return not np.isfinite(a).all() or (a > 1e6).any() or ((a > 0) & (a < 1e-30)).any()


def distance(space, query, vector):
    if space == "l2":
        d = query.astype(np.float64) - vector.astype(np.float64)
        return float((d * d).sum())
    if space == "ip":
        return 1.0 - float(query.astype(np.float64) @ vector.astype(np.float64))
    return 1.0 - float(normalized(query) @ normalized(vector))


class Subject:
    """Common machinery: the random source, the call log, expected failures and the probe cache."""

    def __init__(self, rng, seed, tmp):
        self.rng = rng
        self.seed = seed
        self.tmp = tmp
        self.step = 0
        self.log = []
        self.probe_cache = None
        self.files = 0

    # ------------------------------------------------------------------ reporting

    def note(self, text):
        self.log.append(f"#{self.step}: {text}")
        del self.log[:-25]

    def fail(self, message):
        raise Failure(f"[seed {self.seed}, call {self.step}] {message}\nlast calls:\n  " + "\n  ".join(self.log))

    def check(self, condition, message):
        if not condition:
            self.fail(message)

    # ------------------------------------------------------------------ randomness

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def path(self, suffix):
        self.files += 1
        return os.path.join(self.tmp, f"f{self.files % 4}{suffix}")

    # ------------------------------------------------------------------ expectations

    def raises(self, types, pattern, call, what):
        """The call must raise one of `types` with a message matching `pattern`, and leave the index as it was."""
        self.note(what)
        self.ensure_probe_cache()
        try:
            call()
        except BaseException as e:  # noqa: BLE001 - a ForeignException (a BaseException) must be caught too
            if not isinstance(e, types):
                self.fail(f"{what}: expected {types} matching {pattern!r}, got {type(e).__module__}."
                          f"{type(e).__name__}: {e}")
            if pattern is not None and not re.search(pattern, str(e)):
                self.fail(f"{what}: message {str(e)!r} does not match {pattern!r}")
            self.verify_unchanged(what)
            return e
        self.fail(f"{what}: expected {types} matching {pattern!r}, but the call returned normally")

    def works(self, call, what):
        self.note(what)
        try:
            return call()
        except BaseException as e:  # noqa: BLE001
            self.fail(f"{what}: unexpected {type(e).__module__}.{type(e).__name__}: {e}")

    def mutated(self):
        self.probe_cache = None

    def ensure_probe_cache(self):
        if self.probe_cache is None:
            self.probe_cache = self.probe()

    def verify_unchanged(self, what):
        self.verify_state(what + " (after the failure)")
        now = self.probe()
        self.check(now == self.probe_cache, f"{what}: search results changed by a failed call:\n"
                                            f"before {self.probe_cache}\nafter  {now}")


# ========================================================================================== Index

class IndexModel:
    """What hnswlib's Index holds, by its documented rules."""

    def __init__(self, space, dim):
        self.space, self.dim = space, dim
        self.inited = False
        self.capacity = 0
        self.items = {}        # label -> float32 vector as given (not normalised)
        self.deleted = set()
        self.cur_l = 0
        self.ep_added = True
        self.ef = 10
        self.num_threads = CPU
        self.M = 0
        self.efc = 0
        self.allow_replace = False

    def live(self):
        return sorted(label for label in self.items if label not in self.deleted)

    def stored(self, label):
        v = self.items[label]
        return normalized_f32(v) if self.space == "cosine" else v

    def any_weird(self):
        return any(weird(v) for v in self.items.values())

    def threads(self, requested):
        """The thread count a call runs with (hnswlib's rule, small batches on one thread)."""
        if requested > 0:
            return requested
        if self.num_threads < 0:
            return 1
        return self.num_threads or CPU


class IndexSubject(Subject):
    def __init__(self, rng, seed, tmp):
        super().__init__(rng, seed, tmp)
        self.probes = rng.normal(size=(4, 17)).astype(np.float32)
        self.new_index()

    def new_index(self):
        space = self.pick(("l2", "ip", "cosine"))
        dim = self.pick((1, 3, 5, 8, 17))
        self.note(f"Index({space!r}, {dim})")
        self.index = hnswlib.Index(space, dim)
        self.model = IndexModel(space, dim)
        self.mutated()

    # ------------------------------------------------------------------ state checks

    def probe(self):
        """knn_query of the fixed probes (or the error it raises), as plain values."""
        m = self.model
        if not m.inited:
            return "uninitialised"
        k = min(3, len(m.live()))
        try:
            labels, distances = self.index.knn_query(self.probes[:, :m.dim], k=k, num_threads=1)
        except RuntimeError as e:
            return f"RuntimeError: {e}"
        return labels.tolist(), distances.tobytes()

    def verify_state(self, what):
        p, m = self.index, self.model
        self.check((p.space, p.dim) == (m.space, m.dim), f"{what}: space/dim {(p.space, p.dim)}")
        self.check(p.ef == m.ef, f"{what}: ef {p.ef} != {m.ef}")
        self.check(p.num_threads == m.num_threads, f"{what}: num_threads {p.num_threads} != {m.num_threads}")
        if not m.inited:
            self.check((p.max_elements, p.element_count, p.M, p.ef_construction) == (0, 0, 0, 0),
                       f"{what}: properties of an uninitialised index")
            return
        self.check(p.max_elements == p.get_max_elements() == m.capacity,
                   f"{what}: capacity {p.max_elements}/{p.get_max_elements()} != {m.capacity}")
        self.check(p.element_count == p.get_current_count() == len(m.items),
                   f"{what}: count {p.element_count}/{p.get_current_count()} != {len(m.items)}")
        self.check((p.M, p.ef_construction) == (m.M, m.efc), f"{what}: M/efc {(p.M, p.ef_construction)}")
        ids = p.get_ids_list()
        self.check(sorted(ids) == sorted(m.items), f"{what}: ids {sorted(ids)} != {sorted(m.items)}")
        live = m.live()
        if live:
            got = p.get_items(live)
            want = np.array([m.stored(label) for label in live], dtype=np.float32)
            if m.space == "cosine":
                ok = np.allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)
            else:
                ok = np.array_equal(got, want, equal_nan=True)
            if not ok:
                bad = [(label, got[i].tolist(), want[i].tolist()) for i, label in enumerate(live)
                       if not np.allclose(got[i], want[i], rtol=1e-5, atol=1e-6, equal_nan=True)]
                self.fail(f"{what}: stored vectors differ from the model (label, stored, model): {bad}")

    # ------------------------------------------------------------------ argument makers

    def vectors(self, n, width=None):
        """(data as passed, float32 rows as hnswlib sees them)."""
        width = self.model.dim if width is None else width
        rows = self.rng.normal(size=(n, width)).astype(np.float32)
        if self.chance(0.1) and n:
            rows[self.rng.integers(n), self.rng.integers(width)] = self.pick(
                (np.nan, np.inf, -np.inf, 1e30, 1e-40, 0.0))
        if self.chance(0.05):
            rows[:] = 0
        form = self.pick(("f32", "f32", "f64", "list", "fortran", "strided", "int", "f16"))
        if n == 0 and form == "list":
            form = "f64"  # [] is one row of width 0, not an empty batch
        if form == "f64":
            data = rows.astype(np.float64)
        elif form == "list":
            data = rows.tolist()
        elif form == "fortran":
            data = np.asfortranarray(rows)
        elif form == "strided":
            wide = np.zeros((n, 2 * width), dtype=np.float32)
            wide[:, ::2] = rows
            data = wide[:, ::2]
        elif form == "int":
            data = np.clip(np.nan_to_num(rows * 4, posinf=7, neginf=-7), -100, 100).astype(np.int32)
        elif form == "f16":
            with np.errstate(over="ignore"):
                data = rows.astype(np.float16)
        else:
            data = rows
        if n == 1 and self.chance(0.3) and form != "list":
            data = data[0]
        return data, np.asarray(data, dtype=np.float32).reshape(n, width)

    def label_values(self, n):
        m = self.model
        pool = sorted(m.items) + sorted(m.deleted)
        values = []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.3 and pool:
                values.append(self.pick(pool))
            elif r < 0.4:
                values.append(self.pick(HUGE_LABELS))
            else:
                values.append(int(self.rng.integers(0, 2 * max(m.capacity, 8) + 10)))
        if n > 1 and self.chance(0.15):
            values[-1] = values[0]  # a duplicate inside the batch
        return values

    # ------------------------------------------------------------------ operations

    def op_init_index(self):
        m = self.model
        max_elements = int(self.rng.integers(0, 48))
        kwargs = {"M": self.pick((2, 3, 4, 8, 16)), "ef_construction": self.pick((1, 10, 40, 200)),
                  "random_seed": int(self.rng.integers(0, 2**64, dtype=np.uint64)),
                  "allow_replace_deleted": self.chance(0.4)}
        what = f"init_index({max_elements}, **{kwargs})"
        bad = self.rng.random()
        if bad < 0.15:
            key = self.pick(("max_elements", "M", "ef_construction", "random_seed"))
            value = self.pick((-1, 2.0, "8", None, 2**64))
            args = {"max_elements": max_elements, **kwargs, key: value}
            self.raises(TypeError, "^init_index" + re.escape("(): ") + INCOMPATIBLE,
                        lambda: self.index.init_index(**args), f"init_index(**{args})")
        elif m.inited:
            self.raises(RuntimeError, "^The index is already initiated.$",
                        lambda: self.index.init_index(max_elements, **kwargs), what)
        elif bad < 0.22:
            self.raises(RuntimeError, "^M must be at least 2",  # hnswlib: every add fails, "Not enough memory"
                        lambda: self.index.init_index(max_elements, **{**kwargs, "M": self.pick((0, 1))}),
                        what + " with M < 2")
        elif bad < 0.27:
            huge = self.pick((2**40, 2**62, 2**64 - 1))
            self.raises((MemoryError, ValueError), None,
                        lambda: self.index.init_index(huge, **kwargs), f"init_index({huge})")
        else:
            self.works(lambda: self.index.init_index(max_elements, **kwargs), what)
            m.inited, m.capacity, m.M = True, max_elements, kwargs["M"]
            m.efc = max(kwargs["ef_construction"], m.M)
            m.allow_replace = kwargs["allow_replace_deleted"]
            m.cur_l, m.ep_added = 0, False
            self.mutated()

    def op_add_items(self):
        m = self.model
        n = self.pick((0, 1, 1, 2, 3, 5, 9, 12, 20))
        num_threads = self.pick((-1, 0, 1, 2, 4))
        replace = m.allow_replace and self.chance(0.4) or self.chance(0.03)
        r = self.rng.random()
        if r < 0.06:
            bad_threads = self.pick((1.5, "2", 2**31, None))
            data, _ = self.vectors(max(n, 1))
            self.raises(TypeError, "^add_items" + re.escape("(): ") + INCOMPATIBLE,
                        lambda: self.index.add_items(data, num_threads=bad_threads),
                        f"add_items(num_threads={bad_threads!r})")
            return
        if r < 0.16:
            self.bad_data(lambda data: self.index.add_items(data, num_threads=num_threads), "add_items", True)
            return
        data, rows = self.vectors(n)
        r = self.rng.random()
        ids_form = "auto" if r < 0.3 else "list" if r < 0.55 else "uint64" if r < 0.7 else \
            "int64" if r < 0.8 else "float" if r < 0.85 else "scalar" if r < 0.9 else "bad"
        if ids_form == "auto":
            ids, labels = None, list(range(m.cur_l, m.cur_l + n))
        elif ids_form == "scalar" and n == 1:
            labels = self.label_values(1)
            ids = labels[0]
        elif ids_form == "int64":
            labels = self.label_values(n)
            ids = np.array(labels, dtype=np.uint64).astype(np.int64)  # wraps back to the same bits
        elif ids_form == "float":
            labels = [int(v) for v in self.rng.integers(0, 40, n)]
            ids = [v + 0.75 for v in labels]  # truncated, as pybind's forcecast does
        elif ids_form == "bad":
            self.bad_ids(data, n)
            return
        else:
            labels = self.label_values(n)
            ids = np.array(labels, dtype=np.uint64) if ids_form == "uint64" else labels
        what = (f"add_items(<{n} rows {type(data).__name__}>, ids={labels if ids is not None else None}, "
                f"num_threads={num_threads}, replace_deleted={replace})")
        call = lambda: self.index.add_items(data, ids, num_threads=num_threads, replace_deleted=replace)  # noqa: E731
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
            return
        if n == 0:
            if not m.ep_added:
                self.raises(IndexError, "^index 0 is out of bounds for axis 0 with size 0$", call, what)
            else:
                self.works(call, what)
            return
        self.add_rows(call, what, rows, labels, num_threads, replace)

    def add_rows(self, call, what, rows, labels, num_threads, replace):
        """Simulates hnswlib's row-by-row addPoint; a parallel batch that fails or holds duplicate labels
        has no single expected outcome, so its result is checked for consistency and adopted instead."""
        m = self.model
        n = len(labels)
        if replace and not m.allow_replace:
            self.raises(RuntimeError, "^Replacement of deleted elements is disabled in constructor$", call, what)
            return
        threads = m.threads(num_threads)
        parallel = threads > 1 and n > 4 * threads
        items, deleted = dict(m.items), set(m.deleted)
        vacant = set(deleted) if m.allow_replace else set()
        replaced = 0
        error = None
        for row, label in enumerate(labels):
            if replace and vacant and label not in items:
                victim = next(iter(vacant))  # which one is unspecified (hnswlib: hash-set order)
                vacant.discard(victim)
                deleted.discard(victim)
                del items[victim]
                items[label] = rows[row]
                replaced += 1
                continue
            if label in items:
                if label in deleted:
                    if m.allow_replace and not replace:
                        error = "^Can't use addPoint to update deleted elements if replacement of deleted " \
                                "elements is enabled.$"
                        break
                    deleted.discard(label)  # re-adding a deleted label revives it
                    vacant.discard(label)
                items[label] = rows[row]
            elif len(items) >= m.capacity:
                error = CAPACITY
                break
            else:
                items[label] = rows[row]
        if error is not None and row == 0 and not parallel:  # parallel: other rows may go in meanwhile
            self.raises(RuntimeError, error, call, what)
            if not m.ep_added:
                m.ep_added = self.index.element_count > 0  # this module's rule (hnswlib: the first row went in)
            return
        self.note(what)
        try:
            call()
            outcome = None
        except RuntimeError as e:
            outcome = e
        except BaseException as e:  # noqa: BLE001
            self.fail(f"{what}: unexpected {type(e).__name__}: {e}")
        # a parallel batch reviving a deleted label while another row reuses that label's slot may find
        # the slot gone and no vacancy left (hnswlib assumes no concurrent operations on a deleted element)
        race = (parallel and replace and error is None and outcome is not None
                and re.search("^Can't use addPoint to update deleted elements|" + CAPACITY, str(outcome)))
        if error is None:
            self.check(outcome is None or race, f"{what}: unexpected error {outcome}")
        else:
            self.check(outcome is not None and re.search(error, str(outcome)),
                       f"{what}: expected {error!r}, got {outcome!r}")
        self.mutated()
        if outcome is None:
            m.cur_l += n
        if not m.ep_added:
            m.ep_added = self.index.element_count > 0  # this module's rule (hnswlib: the first row went in)
        exact = not parallel or (error is None and not race and len(set(labels)) == n)
        if exact and not replace:
            m.items, m.deleted = items, deleted
        else:
            self.adopt(what, rows, labels, items, deleted, replaced, exact)

    def adopt(self, what, rows, labels, items, deleted, replaced, exact):
        """Takes over the outcome of an add whose details are unspecified (which deleted slots were reused,
        and for a parallel batch that failed or repeats labels, which rows went in), after checking it: live
        labels stay, only deleted ones vanish, new labels come from the batch, every vector is one of the rows.
        With `exact`, the outcome must also agree with the simulation up to the choice of reused slots."""
        m = self.model
        ids = set(self.index.get_ids_list())
        self.check(len(ids) == self.index.element_count, f"{what}: get_ids_list has duplicates or misses slots")
        batch = set(labels)
        vanished = set(m.items) - ids
        self.check(vanished <= m.deleted, f"{what}: live labels vanished: {vanished - m.deleted}")
        self.check(ids <= set(m.items) | batch, f"{what}: unknown labels appeared: {ids - set(m.items) - batch}")
        self.check(len(ids) <= max(m.capacity, len(m.items)), f"{what}: more labels than capacity")
        if exact:
            self.check(len(ids) == len(items), f"{what}: {len(ids)} labels, the simulation has {len(items)} "
                                               f"({replaced} deleted slots reused)")
            must = set(items) - (m.deleted - batch)
            self.check(must <= ids, f"{what}: labels missing: {sorted(must - ids)}")
        new_items, new_deleted = {}, set()
        for label in sorted(ids):
            try:
                got = self.index.get_items([label])[0]
            except RuntimeError as e:  # deleted
                self.check(str(e) == "Label not found" and label in m.deleted,
                           f"{what}: label {label} is deleted or unreadable: {e}")
                self.check(not exact or label in deleted or label not in items,
                           f"{what}: label {label} should have been revived")
                new_items[label] = m.items[label]
                new_deleted.add(label)
                continue
            if label not in batch:
                self.check(label in m.items and label not in m.deleted, f"{what}: label {label} revived")
                candidates = [m.items[label]]
            elif exact:
                self.check(label in items and label not in deleted, f"{what}: label {label} should not be live")
                candidates = [items[label]]
            else:
                candidates = [rows[i] for i, v in enumerate(labels) if v == label]
                if label in m.items:
                    candidates.append(m.items[label])
            stored = [normalized_f32(c) if m.space == "cosine" else c for c in candidates]
            match = [i for i, c in enumerate(stored) if np.allclose(got, c, rtol=1e-5, atol=1e-6, equal_nan=True)]
            self.check(match, f"{what}: label {label} holds {got}, expected one of {stored}")
            new_items[label] = candidates[match[0]]
        m.items, m.deleted = new_items, new_deleted

    def bad_data(self, call_with, what, width_checked_first):
        """Inputs that fail numpy's conversion or hnswlib's shape and width checks (the width is checked
        before the index is needed in add_items, after it in knn_query)."""
        m = self.model
        kind = self.pick(("width", "3d", "scalar", "none", "ragged", "strings"))
        if kind == "width":
            data = np.zeros((2, m.dim + self.pick((-1, 1, 5))), dtype=np.float32)
            if data.shape[1] == 0:
                data = np.zeros((2, m.dim + 1), dtype=np.float32)
            pattern = WRONG_DIM if width_checked_first or m.inited else NOT_INIT
            self.raises(RuntimeError, pattern, lambda: call_with(data), f"{what}(<width {data.shape[1]}>)")
        elif kind == "3d":
            self.raises(RuntimeError, SHAPE.format(3), lambda: call_with(np.zeros((1, 1, m.dim))), f"{what}(<3-D>)")
        elif kind == "scalar":
            self.raises(RuntimeError, SHAPE.format(0), lambda: call_with(3.5), f"{what}(3.5)")
        elif kind == "none":
            self.raises(RuntimeError, SHAPE.format(0), lambda: call_with(None), f"{what}(None)")
        elif kind == "ragged":
            self.raises(ValueError, None, lambda: call_with([[0.0] * m.dim, [1.0] * (m.dim + 1)]), f"{what}(<ragged>)")
        else:
            self.raises(ValueError, "could not convert string to float",
                        lambda: call_with([["x"] * m.dim]), f"{what}(<strings>)")

    def bad_ids(self, data, n):
        m = self.model
        kind = self.pick(("length", "2d", "negative", "too big", "strings"))
        add = lambda ids: self.index.add_items(data, ids)  # noqa: E731
        if kind == "length" or (kind == "2d" and n == 0):
            ids = list(range(n + 1))
            self.raises(RuntimeError, f"^The input label shape 1 does not match the input data vector shape {n}$",
                        lambda: add(ids), f"add_items(<{n} rows>, ids={ids})")
        elif kind == "2d":
            ids = np.arange(n).reshape(n, 1)
            self.raises(RuntimeError, f"^The input label shape 2 does not match the input data vector shape {n}$",
                        lambda: add(ids), f"add_items(<{n} rows>, ids=<{n}x1>)")
        elif kind == "negative":
            ids = [-1 - i for i in range(n)] or [-1]
            # numpy 2 refuses negative Python ints for uint64 (numpy 1 wrapped them with a warning)
            self.raises((OverflowError, RuntimeError), None, lambda: add(ids), f"add_items(ids={ids})")
        elif kind == "too big":
            ids = [2**64 + i for i in range(max(n, 1))]
            self.raises((OverflowError, RuntimeError), None, lambda: add(ids), f"add_items(ids={ids})")
        else:
            ids = ["x"] * max(n, 1)
            self.raises(ValueError, None, lambda: add(ids), f"add_items(ids={ids})")

    def op_knn_query(self):
        m = self.model
        r = self.rng.random()
        if r < 0.05:
            bad = self.pick(({"k": -1}, {"k": 1.0}, {"k": "1"}, {"k": 2**64}, {"num_threads": 0.5},
                             {"num_threads": 2**40}, {"filter": 3}))
            self.raises(TypeError, "^knn_query" + re.escape("(): ") + INCOMPATIBLE,
                        lambda: self.index.knn_query(np.zeros(m.dim), **bad), f"knn_query(**{bad})")
            return
        if r < 0.15:
            self.bad_data(lambda data: self.index.knn_query(data, k=1), "knn_query", False)  # hnswlib: garbage
            return
        n = self.pick((0, 1, 1, 2, 5, 13))
        data, queries = self.vectors(n)
        live = m.live()
        k = self.pick((0, 1, 1, 2, 3, 5, len(live), len(live) + 1, 5000))
        num_threads = self.pick((-1, 0, 1, 2, 4))
        filter_kind = self.pick((None, None, None, "even", "none", "raise", "cast"))
        filters = {None: None, "even": lambda label: label % 2 == 0, "none": lambda label: False,
                   "raise": lambda label: 1 // 0, "cast": lambda label: "yes"}
        what = f"knn_query(<{n} rows>, k={k}, num_threads={num_threads}, filter={filter_kind})"
        call = lambda: self.index.knn_query(data, k=k, num_threads=num_threads, filter=filters[filter_kind])  # noqa: E731
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
            return
        if n == 0 or k == 0 or (k > 4096 and k > len(m.items)):
            # nothing is searched, or too many asked for before any search (the filter is never called)
            if n and k:
                self.raises(RuntimeError, NOT_ENOUGH, call, what)
                return
            labels, distances = self.works(call, what)
            self.check(labels.shape == distances.shape == (n, k), f"{what}: shapes {labels.shape}")
            return
        if filter_kind == "raise" and live:
            self.raises(ZeroDivisionError, None, call, what)
            return
        if filter_kind == "cast" and live:
            self.raises(RuntimeError, CAST, call, what)
            return
        allowed = [label for label in live if filter_kind is None or (filter_kind == "even" and label % 2 == 0)]
        if k > len(allowed):
            self.raises(RuntimeError, NOT_ENOUGH, call, what)
            return
        self.note(what)
        self.ensure_probe_cache()
        try:
            labels, distances = call()
        except RuntimeError as e:
            # hnswlib comes up short when the graph does not reach k allowed nodes from where the search
            # starts (HNSW graphs need not be connected, updates can cut nodes off), or where NaN and inf
            # make distances incomparable; anything else is a real failure
            self.check(re.search(NOT_ENOUGH, str(e)), f"{what}: {e}")
            self.check(m.any_weird() or self.least_reachable(set(allowed)) < k,
                       f"{what}: {e}, but every node reaches at least {k} allowed nodes")
            self.verify_unchanged(what)
            return
        self.check_results(what, queries, k, labels, distances, set(allowed))

    def least_reachable(self, allowed):
        """The fewest allowed (live, filter-accepted) nodes reachable over level-0 links from any node: a
        search starting there finds no more. Read from the pickle's data_level0 (hnswlib's records)."""
        state = self.index.__getstate__()[0]
        count, size, max_m0 = int(state["cur_element_count"]), int(state["size_data_per_element"]), int(state["max_M0"])
        records = np.asarray(state["data_level0"]).view(np.uint8).reshape(count, size)
        links = records[:, 0:2].copy().view("<u2").reshape(count).tolist()
        neighbors = records[:, 4:4 + 4 * max_m0].copy().view("<u4").reshape(count, max_m0).tolist()
        offset = int(state["label_offset"])
        labels = records[:, offset:offset + 8].copy().view("<u8").reshape(count).tolist()
        wanted = [not records[i, 2] & 1 and labels[i] in allowed for i in range(count)]
        least = count
        for start in range(count):
            seen, stack = {start}, [start]
            while stack:
                node = stack.pop()
                for other in neighbors[node][:links[node]]:
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            least = min(least, sum(wanted[i] for i in seen))
        return least

    def check_results(self, what, queries, k, labels, distances, allowed):
        m = self.model
        n = queries.shape[0]
        self.check(labels.dtype == np.uint64 and distances.dtype == np.float32, f"{what}: dtypes")
        self.check(labels.shape == distances.shape == (n, k), f"{what}: shapes {labels.shape} {distances.shape}")
        self.check(labels.flags.c_contiguous and distances.flags.c_contiguous, f"{what}: not C-contiguous")
        for row in range(n):
            got = labels[row].tolist()
            self.check(len(set(got)) == k, f"{what}: a label twice in row {row}: {got}")
            self.check(set(got) <= allowed, f"{what}: deleted, filtered or unknown labels {set(got) - allowed}")
            if weird(queries[row]) or any(weird(m.items[label]) for label in got):
                continue
            want = [distance(m.space, queries[row], m.items[label]) for label in got]
            self.check(np.allclose(distances[row], want, rtol=1e-4, atol=1e-4),
                       f"{what}: distances {distances[row].tolist()} != {want} for labels {got}")
            self.check((np.diff(distances[row]) >= 0).all(), f"{what}: row {row} not nearest first")

    def op_mark_deleted(self, unmark=False):
        m = self.model
        name = "unmark_deleted" if unmark else "mark_deleted"
        method = getattr(self.index, name)
        r = self.rng.random()
        if r < 0.1:
            bad = self.pick((-1, 1.0, "1", None, 2**64))
            self.raises(TypeError, f"^{name}" + re.escape("(): ") + INCOMPATIBLE, lambda: method(bad),
                        f"{name}({bad!r})")
            return
        pool = sorted(m.deleted) if unmark else m.live()
        if r < 0.7 and pool:
            label = self.pick(pool)
        elif r < 0.85 and m.items:
            label = self.pick(sorted(m.items))
        else:
            label = self.pick(HUGE_LABELS + (int(self.rng.integers(0, 200)),))
        label = np.uint64(label) if self.chance(0.2) else label
        what = f"{name}({label!r})"
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, lambda: method(label), what)
        elif int(label) not in m.items:
            self.raises(RuntimeError, LABEL_NOT_FOUND, lambda: method(label), what)
        elif unmark and int(label) not in m.deleted:
            self.raises(RuntimeError, "^The requested to undelete element is not deleted$", lambda: method(label), what)
        elif not unmark and int(label) in m.deleted:
            self.raises(RuntimeError, "^The requested to delete element is already deleted$",
                        lambda: method(label), what)
        else:
            self.works(lambda: method(label), what)
            (m.deleted.discard if unmark else m.deleted.add)(int(label))
            self.mutated()

    def op_unmark_deleted(self):
        self.op_mark_deleted(unmark=True)

    def op_resize_index(self):
        m = self.model
        r = self.rng.random()
        if r < 0.1:
            bad = self.pick((-1, 2.0, "9"))
            self.raises(TypeError, "^resize_index" + re.escape("(): ") + INCOMPATIBLE,
                        lambda: self.index.resize_index(bad), f"resize_index({bad!r})")
            return
        size = self.pick((2**40, 2**62)) if r < 0.15 else int(self.rng.integers(0, len(m.items) + 40))
        what = f"resize_index({size})"
        call = lambda: self.index.resize_index(size)  # noqa: E731
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
        elif size < len(m.items):
            self.raises(RuntimeError, "^Cannot resize, max element is less than the current number of elements$",
                        call, what)
        elif size > 2**40 - 1:
            self.raises((MemoryError, ValueError), None, call, what)
        else:
            self.works(call, what)
            m.capacity = size
            self.mutated()

    def op_get_items(self):
        m = self.model
        r = self.rng.random()
        if r < 0.05:
            self.raises(ValueError, '^return_type should be "numpy" or "list"$',
                        lambda: self.index.get_items([0], return_type="tuple"), "get_items(return_type='tuple')")
            return
        if r < 0.08:
            self.raises(TypeError, "^get_items" + re.escape("(): ") + INCOMPATIBLE,
                        lambda: self.index.get_items([0], return_type=1), "get_items(return_type=1)")
            return
        if r < 0.12:
            self.raises(ValueError, "^get_items accepts a list of indices and returns a list of vectors$",
                        lambda: self.index.get_items(self.pick((0, np.uint64(3)))), "get_items(<scalar>)")
            return
        return_type = self.pick(("numpy", "list"))
        if r < 0.18:
            got = self.works(lambda: self.index.get_items(return_type=return_type), "get_items()")
            self.check((got == [] if return_type == "list" else got.shape == (0,)), "get_items() is empty")
            return
        pool = m.live()
        n = self.pick((1, 2, 4))
        labels = [self.pick(pool) for _ in range(n)] if pool else []
        if self.chance(0.25) or not labels:
            labels.append(self.pick(sorted(m.deleted) + list(HUGE_LABELS) if m.deleted and self.chance(0.5)
                                    else list(HUGE_LABELS) + [77777]))
        form = self.pick(("list", "uint64", "column"))
        ids = (np.array(labels, dtype=np.uint64) if form == "uint64" else
               np.array(labels, dtype=np.uint64).reshape(-1, 1) if form == "column" else labels)
        what = f"get_items({labels}, {form}, {return_type!r})"
        call = lambda: self.index.get_items(ids, return_type=return_type)  # noqa: E731
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
        elif any(label not in m.items or label in m.deleted for label in labels):
            self.raises(RuntimeError, LABEL_NOT_FOUND, call, what)
        else:
            got = self.works(call, what)
            if return_type == "list":
                self.check(type(got) is list and all(type(v) is float for row in got for v in row), what)
                got = np.array(got, dtype=np.float32)
            else:
                self.check(got.dtype == np.float32 and got.shape == (len(labels), m.dim), f"{what}: {got.shape}")
            want = np.array([m.stored(label) for label in labels], dtype=np.float32)
            self.check(np.allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True), f"{what}: {got} != {want}")

    def op_ids_and_counts(self):
        m = self.model
        name = self.pick(("get_ids_list", "get_current_count", "get_max_elements", "index_file_size"))
        call = getattr(self.index, name)
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, call, name + "()")
            return
        got = self.works(call, name + "()")
        if name == "get_ids_list":
            self.check(type(got) is list and sorted(got) == sorted(m.items), f"{name}: {got}")
        elif name == "get_current_count":
            self.check(got == len(m.items), f"{name}: {got}")
        elif name == "get_max_elements":
            self.check(got == m.capacity, f"{name}: {got}")
        else:
            self.check(type(got) is int and got >= 96 + len(m.items) * (4 + 8 * m.M + 4 * m.dim + 8 + 4), f"{name}: {got}")

    def op_parameters(self):
        m = self.model
        r = self.rng.random()
        if r < 0.35:
            ef = self.pick((0, 1, 5, 10, 50, 400, np.int64(20)))
            use_property = self.chance(0.5)
            what = f"ef = {ef!r}" if use_property else f"set_ef({ef!r})"
            self.works(lambda: setattr(self.index, "ef", ef) if use_property else self.index.set_ef(ef), what)
            m.ef = int(ef)
            self.mutated()
        elif r < 0.45:
            bad = self.pick((-1, 2.5, "10", None))
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.set_ef(bad), f"set_ef({bad!r})")
        elif r < 0.7:
            threads = self.pick((1, 2, 4, 0, -1, -3))
            self.works(lambda: self.index.set_num_threads(threads) if self.chance(0.5)
                       else setattr(self.index, "num_threads", threads), f"num_threads = {threads}")
            m.num_threads = threads
        elif r < 0.8:
            bad = self.pick((2.5, "2", 2**31, None))
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.set_num_threads(bad), f"set_num_threads({bad!r})")
        else:
            name = self.pick(("space", "dim", "M", "ef_construction", "max_elements", "element_count"))
            self.raises(AttributeError, "^property of 'Index' object has no setter$",
                        lambda: setattr(self.index, name, 3), f"{name} = 3")

    def op_save_load(self):
        m = self.model
        r = self.rng.random()
        if r < 0.1:
            where = self.pick((os.path.join(self.tmp, "missing", "dir", "x.bin"), self.tmp))
            call = lambda: self.index.save_index(where)  # noqa: E731
            self.raises(RuntimeError, NOT_INIT if not m.inited else None, call, f"save_index({where!r})")
            return
        if r < 0.15:
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.save_index(5), "save_index(5)")
            return
        if r < 0.25:
            missing = os.path.join(self.tmp, "missing.bin")
            self.raises(RuntimeError, "^Cannot open file$", lambda: self.index.load_index(missing),
                        "load_index(<missing>)")
            return
        if r < 0.32:
            garbage = self.path(".garbage")
            with open(garbage, "wb") as f:
                f.write(self.rng.bytes(int(self.rng.integers(0, 400))))
            self.raises(RuntimeError, CORRUPT, lambda: self.index.load_index(garbage), "load_index(<garbage>)")
            return
        if not m.inited:
            self.raises(RuntimeError, NOT_INIT, lambda: self.index.save_index(self.path(".bin")), "save_index()")
            return
        path = self.path(".bin")
        self.works(lambda: self.index.save_index(path), f"save_index({path!r})")
        self.check(os.path.getsize(path) == self.index.index_file_size(), "index_file_size() != the file's size")
        if self.chance(0.15):
            other_dim = m.dim + 1
            other = hnswlib.Index(m.space, other_dim)  # hnswlib does not check the dimension
            self.raises(RuntimeError, CORRUPT, lambda: other.load_index(path), f"Index(dim={other_dim}).load_index")
            return
        count = len(m.items)
        max_elements = self.pick((0, max(count - 1, 0), count, count + 7))
        loaded = hnswlib.Index(m.space, m.dim)
        self.works(lambda: loaded.load_index(path, max_elements=max_elements, allow_replace_deleted=m.allow_replace),
                   f"load_index({path!r}, max_elements={max_elements})")
        capacity = max_elements if max_elements >= count else m.capacity
        self.check((loaded.max_elements, loaded.element_count, loaded.ef) == (capacity, count, 10),
                   f"loaded: {(loaded.max_elements, loaded.element_count, loaded.ef)} != {(capacity, count, 10)}")
        self.check(sorted(loaded.get_ids_list()) == sorted(m.items), "loaded ids")
        loaded.set_ef(m.ef)
        loaded.set_num_threads(m.num_threads)
        self.compare_copy(loaded, "load_index", capacity)
        if self.chance(0.3):
            self.note("continue with the loaded index")
            self.index = loaded
            m.capacity, m.cur_l, m.ep_added = capacity, count, True
            self.mutated()

    def compare_copy(self, other, what, capacity=None):
        """`other` must answer exactly as the index under test (and have `capacity`, if given)."""
        mine = self.probe()
        current, model_capacity = self.index, self.model.capacity
        self.index = other
        if capacity is not None:
            self.model.capacity = capacity
        try:
            theirs = self.probe()
            self.verify_state(what)
        finally:
            self.index, self.model.capacity = current, model_capacity
        self.check(mine == theirs, f"{what}: the copy answers differently:\n{mine}\n{theirs}")

    def op_pickle(self):
        m = self.model
        r = self.rng.random()
        if r < 0.12:
            state = self.pick(("not a tuple", (), ({"ser_version": 1}, {"ser_version": 1})))
            self.raises(RuntimeError, "^Invalid state!$", lambda: self.index.__setstate__(state), "__setstate__(<bad>)")
            return
        if r < 0.2 and m.inited:
            params = dict(self.index.__getstate__()[0])
            field, key = self.pick((("maxM0_", "max_M0"), ("offsetData_", "offset_data"), ("M_", "M"),
                                    ("label_offset_", "label_offset")))
            params[key] = int(params[key]) + 1
            self.raises(RuntimeError, None, lambda: self.index.__setstate__((params,)), f"__setstate__(<bad {key}>)")
            return
        if r < 0.25:
            params = dict(self.index.__getstate__()[0], ser_version=2)
            self.raises(RuntimeError, "^Unpickle Error: Invalid serialization version!$",
                        lambda: self.index.__setstate__((params,)), "__setstate__(<version 2>)")
            return
        how = self.pick(("pickle", "copy"))
        copy = self.works(lambda: pickle.loads(pickle.dumps(self.index, protocol=self.pick((2, 4, 5))))
                          if how == "pickle" else hnswlib.Index(self.index), how)
        self.compare_copy(copy, how)
        if self.chance(0.3):
            self.note(f"continue with the {how}")
            self.index = copy
            if m.inited:
                m.cur_l = len(m.items)
            self.mutated()

    def op_misc(self):
        m = self.model
        r = self.rng.random()
        if r < 0.3:
            self.check(repr(self.index) == f"<hnswlib.Index(space='{m.space}', dim={m.dim})>", "repr")
        elif r < 0.5:
            self.raises(RuntimeError, "^Space name must be one of l2, ip, or cosine.$",
                        lambda: hnswlib.Index(self.pick(("L2", "l1", "")), 4), "Index(<bad space>)")
        elif r < 0.6:
            self.raises(TypeError, "incompatible constructor arguments", lambda: hnswlib.Index(4, "l2"), "Index(4, 'l2')")
        elif r < 0.8:
            self.verify_state("periodic check")
        else:
            self.new_index()

    OPS = (("op_add_items", 24), ("op_knn_query", 20), ("op_mark_deleted", 8), ("op_unmark_deleted", 4),
           ("op_init_index", 5), ("op_resize_index", 4), ("op_get_items", 8), ("op_ids_and_counts", 5),
           ("op_parameters", 6), ("op_save_load", 4), ("op_pickle", 4), ("op_misc", 3))


# ========================================================================================== BFIndex

class BFSubject(Subject):
    def __init__(self, rng, seed, tmp):
        super().__init__(rng, seed, tmp)
        self.probes = rng.normal(size=(3, 17)).astype(np.float32)
        self.new_index()

    def new_index(self):
        self.space = self.pick(("l2", "ip", "cosine"))
        self.dim = self.pick((1, 4, 7, 16))
        self.note(f"BFIndex({self.space!r}, {self.dim})")
        self.index = hnswlib.BFIndex(self.space, self.dim)
        self.inited = False
        self.capacity = 0
        self.items = {}
        self.cur_l = 0
        self.num_threads = CPU
        self.mutated()

    def probe(self):
        if not self.inited:
            return "uninitialised"
        try:
            labels, distances = self.index.knn_query(self.probes[:, :self.dim], k=len(self.items), num_threads=1)
        except RuntimeError as e:
            return f"RuntimeError: {e}"
        # ties may be broken by slot order, which a delete changes: compare label -> distance
        return sorted((row, label, d) for row in range(labels.shape[0])
                      for label, d in zip(labels[row].tolist(), distances[row].tobytes().hex()))

    def verify_state(self, what):
        p = self.index
        self.check(p.num_threads == self.num_threads, f"{what}: num_threads")
        if not self.inited:
            return
        self.check(p.get_current_count() == len(self.items), f"{what}: count {p.get_current_count()} != {len(self.items)}")
        self.check(p.get_max_elements() == self.capacity, f"{what}: capacity {p.get_max_elements()}")
        if self.items:
            labels, _ = p.knn_query(np.zeros(self.dim), k=len(self.items))
            self.check(sorted(labels[0].tolist()) == sorted(self.items), f"{what}: labels {labels} != {sorted(self.items)}")

    def rows(self, n):
        rows = self.rng.normal(size=(n, self.dim)).astype(np.float32)
        if n and self.chance(0.08):
            rows[self.rng.integers(n), 0] = self.pick((np.nan, np.inf, 1e30))
        return rows

    def op_init_index(self):
        size = int(self.rng.integers(0, 30))
        if self.chance(0.1):
            bad = self.pick((-1, 2.0, "3"))
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.init_index(bad), f"BF init_index({bad!r})")
        elif self.inited:
            self.raises(RuntimeError, "^The index is already initiated.$", lambda: self.index.init_index(size),
                        "BF init_index again")
        elif self.chance(0.1):
            self.raises((MemoryError, RuntimeError), None, lambda: self.index.init_index(2**40), "BF init_index(2**40)")
        else:
            self.works(lambda: self.index.init_index(size), f"BF init_index({size})")
            self.inited, self.capacity, self.cur_l = True, size, 0
            self.mutated()

    def op_add_items(self):
        r = self.rng.random()
        if r < 0.12:
            kind = self.pick(("width", "3d", "scalar", "ids"))
            data = {"width": np.zeros((2, self.dim + 1)), "3d": np.zeros((1, 1, self.dim)), "scalar": 1.0,
                    "ids": np.zeros((2, self.dim))}[kind]
            pattern = {"width": WRONG_DIM, "3d": SHAPE.format(3), "scalar": SHAPE.format(0),
                       "ids": "^The input label shape 1 does not match the input data vector shape 2$"}[kind]
            ids = [1, 2, 3] if kind == "ids" else None
            self.raises(RuntimeError, pattern, lambda: self.index.add_items(data, ids), f"BF add_items(<{kind}>)")
            return
        n = self.pick((0, 1, 2, 4, 7))
        rows = self.rows(n)
        if self.chance(0.3):
            ids, labels = None, list(range(self.cur_l, self.cur_l + n))
        else:
            labels = [int(v) for v in self.rng.integers(0, 40, n)]
            if self.chance(0.1) and n:
                labels[0] = self.pick(HUGE_LABELS)
            ids = np.array(labels, dtype=np.uint64)
        what = f"BF add_items(<{n} rows>, {labels})"
        call = lambda: self.index.add_items(rows, ids)  # noqa: E731
        if not self.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
            return
        items = dict(self.items)
        error = False
        for row, label in enumerate(labels):
            if label not in items and len(items) >= self.capacity:
                error = True
                break
            items[label] = rows[row]
        if error and row == 0:
            self.raises(RuntimeError, "^The number of elements exceeds the specified limit\n$", call, what)
            return
        self.note(what)
        try:
            call()
            self.check(not error, f"{what}: no capacity error")
            self.cur_l += n
        except RuntimeError as e:
            self.check(error and str(e) == "The number of elements exceeds the specified limit\n", f"{what}: {e!r}")
        self.items = items
        self.mutated()

    def op_delete_vector(self):
        if self.chance(0.1):
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.delete_vector(-1), "BF delete_vector(-1)")
            return
        label = self.pick(sorted(self.items)) if self.items and self.chance(0.8) else int(self.rng.integers(0, 100))
        what = f"BF delete_vector({label})"
        if not self.inited:
            self.raises(RuntimeError, NOT_INIT, lambda: self.index.delete_vector(label), what)
            return
        self.works(lambda: self.index.delete_vector(label), what)  # an unknown label is ignored, as in hnswlib
        if label in self.items:
            del self.items[label]
            self.mutated()

    def op_knn_query(self):
        n = self.pick((0, 1, 3))
        queries = self.rows(n)
        k = self.pick((0, 1, 2, len(self.items), len(self.items) + 1, 10**6))
        num_threads = self.pick((-1, 1, 2, 4))
        even = self.chance(0.2)
        what = f"BF knn_query(<{n}>, k={k}, num_threads={num_threads}, even={even})"
        call = lambda: self.index.knn_query(queries, k=k, num_threads=num_threads,  # noqa: E731
                                            filter=(lambda label: label % 2 == 0) if even else None)
        if self.chance(0.05):
            self.raises(RuntimeError, WRONG_DIM if self.inited else NOT_INIT,
                        lambda: self.index.knn_query(np.zeros(self.dim + 1)), "BF knn_query(<wrong width>)")
            return
        if not self.inited:
            self.raises(RuntimeError, NOT_INIT, call, what)
            return
        allowed = [label for label in self.items if not even or label % 2 == 0]
        if n and k and k > len(allowed):
            self.raises(RuntimeError, NOT_ENOUGH, call, what)  # hnswlib: garbage, or a crash when empty
            return
        labels, distances = self.works(call, what)
        self.check(labels.shape == distances.shape == (n, k), f"{what}: shape {labels.shape}")
        for row in range(n):
            got = labels[row].tolist()
            self.check(len(set(got)) == k and set(got) <= set(allowed), f"{what}: labels {got}")
            if weird(queries[row]) or any(weird(v) for v in self.items.values()):
                continue
            exact = sorted(distance(self.space, queries[row], self.items[label]) for label in allowed)[:k]
            self.check(np.allclose(distances[row], exact, rtol=1e-4, atol=1e-4),
                       f"{what}: distances {distances[row].tolist()} != exact {exact}")
            want = [distance(self.space, queries[row], self.items[label]) for label in got]
            self.check(np.allclose(distances[row], want, rtol=1e-4, atol=1e-4), f"{what}: label/distance mismatch")

    def op_save_load(self):
        if self.chance(0.15):
            where = os.path.join(self.tmp, "missing", "bf.bin")
            self.raises(RuntimeError, NOT_INIT if not self.inited else None,
                        lambda: self.index.save_index(where), "BF save_index(<missing dir>)")
            return
        if self.chance(0.1):
            self.raises(RuntimeError, "^Cannot open file$",
                        lambda: self.index.load_index(os.path.join(self.tmp, "nothing.bin")), "BF load_index(<missing>)")
            return
        if not self.inited:
            return
        path = self.path(".bf")
        self.works(lambda: self.index.save_index(path), "BF save_index")
        self.check(os.path.getsize(path) == 24 + self.capacity * (4 * self.dim + 8), "BF file size")
        loaded = hnswlib.BFIndex(self.space, self.dim)
        self.works(lambda: loaded.load_index(path), "BF load_index")
        loaded.set_num_threads(self.num_threads)
        mine = self.probe()
        current, self.index = self.index, loaded
        try:
            theirs = self.probe()
            self.verify_state("BF load_index")
        finally:
            self.index = current
        self.check(mine == theirs, f"BF load_index answers differently:\n{mine}\n{theirs}")
        if self.chance(0.3):
            self.index, self.cur_l = loaded, len(self.items)
            self.note("continue with the loaded BFIndex")

    def op_misc(self):
        r = self.rng.random()
        if r < 0.2:
            self.raises(TypeError, "^cannot pickle 'hnswlib.BFIndex' object$", lambda: pickle.dumps(self.index),
                        "pickle(BFIndex)")
        elif r < 0.4:
            threads = self.pick((1, 2, 0, -1))
            self.works(lambda: self.index.set_num_threads(threads), f"BF set_num_threads({threads})")
            self.num_threads = threads
        elif r < 0.5:
            self.raises(TypeError, INCOMPATIBLE, lambda: self.index.set_num_threads(1.5), "BF set_num_threads(1.5)")
        elif r < 0.6:
            for name in ("get_max_elements", "get_current_count"):
                if not self.inited:
                    self.raises(RuntimeError, NOT_INIT, getattr(self.index, name), f"BF {name}()")
        elif r < 0.7:
            self.check(repr(self.index) == f"<hnswlib.BFIndex(space='{self.space}', dim={self.dim})>", "BF repr")
        elif r < 0.9:
            self.verify_state("BF periodic check")
        else:
            self.new_index()

    OPS = (("op_add_items", 30), ("op_knn_query", 25), ("op_delete_vector", 10), ("op_init_index", 6),
           ("op_save_load", 4), ("op_misc", 6))


# ========================================================================================== the runs

def run(subject, calls):
    names = [name for name, _ in subject.OPS]
    weights = np.array([w for _, w in subject.OPS], dtype=float)
    weights /= weights.sum()
    for step in range(calls):
        subject.step = step
        getattr(subject, names[subject.rng.choice(len(names), p=weights)])()
    subject.verify_state("end of the run")


def test_index_abuse(seed, tmp_path):
    run(IndexSubject(np.random.default_rng(seed), seed, str(tmp_path)), CALLS)


def test_bfindex_abuse(seed, tmp_path):
    run(BFSubject(np.random.default_rng(seed + 1), seed, str(tmp_path)), max(CALLS // 3, 1))
