/* The per-call numpy work of hnswlib's knn_query, in one C call.
 *
 * Under GraalPy every numpy call made from Python crosses into native code and back, about 10-30 us
 * each: a single-query knn_query spent more time allocating its two result arrays and reading three
 * array addresses (five such calls) than searching. From C, numpy's API is a plain function call.
 * Built for GraalPy by scripts/setup.sh into target/graalpy-site; python/hnswlib/_bridge.py falls back
 * to the same steps in Python when it is missing. Holds no state and never touches array contents. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

static int check_array(PyObject *object) {
    if (!PyArray_Check(object)) {
        PyErr_Format(PyExc_TypeError, "expected a numpy array, got %.100s", Py_TYPE(object)->tp_name);
        return 0;
    }
    return 1;
}

static PyObject *data_address(PyArrayObject *array) {
    return PyLong_FromVoidPtr(PyArray_DATA(array));
}

/* address(array) -> the address of the array's first byte */
static PyObject *address(PyObject *self, PyObject *array) {
    return check_array(array) ? data_address((PyArrayObject *)array) : NULL;
}

/* float_rows(data) -> (data as C-contiguous float32, rows, features) for a 1-D or 2-D numpy array (a 1-D
 * array is one row), as np.ascontiguousarray(data, np.float32) converts it; None for anything else,
 * which the caller converts (and reports) itself. */
static PyObject *float_rows(PyObject *self, PyObject *data) {
    if (!PyArray_Check(data)) {
        Py_RETURN_NONE;
    }
    int ndim = PyArray_NDIM((PyArrayObject *)data);
    if (ndim != 1 && ndim != 2) {
        Py_RETURN_NONE;
    }
    PyObject *rows = PyArray_FromAny(data, PyArray_DescrFromType(NPY_FLOAT32), ndim, ndim,
                                     NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_FORCECAST, NULL);
    if (rows == NULL) {
        return NULL;
    }
    npy_intp *shape = PyArray_DIMS((PyArrayObject *)rows);
    npy_intp n = ndim == 2 ? shape[0] : 1;
    npy_intp features = ndim == 2 ? shape[1] : shape[0];
    return Py_BuildValue("Nnn", rows, (Py_ssize_t)n, (Py_ssize_t)features);
}

/* result_arrays(rows, n, k) -> (labels uint64 (n, k), distances float32 (n, k),
 *                               address of rows, address of labels, address of distances) */
static PyObject *result_arrays(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    /* METH_FASTCALL: no argument tuple, which GraalPy would build and mirror natively at every call */
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "result_arrays() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *rows = args[0];
    Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t k = PyLong_AsSsize_t(args[2]);
    if ((k == -1 && PyErr_Occurred()) || !check_array(rows)) {
        return NULL;
    }
    if (n < 0 || k < 0) {
        PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
        return NULL;
    }
    npy_intp shape[2] = {n, k};
    PyObject *labels = PyArray_SimpleNew(2, shape, NPY_UINT64);
    if (labels == NULL) {
        return NULL;
    }
    PyObject *distances = PyArray_SimpleNew(2, shape, NPY_FLOAT32);
    if (distances == NULL) {
        Py_DECREF(labels);
        return NULL;
    }
    /* "N" hands our references to the tuple; on failure Py_BuildValue releases them */
    return Py_BuildValue("NNNNN", labels, distances, data_address((PyArrayObject *)rows),
                         data_address((PyArrayObject *)labels), data_address((PyArrayObject *)distances));
}

static PyMethodDef methods[] = {
    {"address", address, METH_O, "The address of a numpy array's first byte."},
    {"float_rows", float_rows, METH_O,
     "(data as C-contiguous float32, rows, features) of a 1-D or 2-D numpy array, else None."},
    {"result_arrays", (PyCFunction)(void (*)(void))result_arrays, METH_FASTCALL,
     "(labels uint64 (n, k), distances float32 (n, k), address of rows, of labels, of distances)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hnswj_native", "hnswlib's per-call numpy work under GraalPy.", -1, methods,
};

PyMODINIT_FUNC PyInit__hnswj_native(void) {
    import_array();
    return PyModule_Create(&module);
}
