"""hnswlib for GraalPy: hnswlib's Python API over the hnswj engine (Java), called through GraalPy's
Java interop. A drop-in replacement for the ``hnswlib`` package: same classes, arguments, defaults,
return types, exceptions and file and pickle formats.
"""
from hnswlib._index import BFIndex, Index

__all__ = ["Index", "BFIndex"]
