package io.hnswj.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * hnswlib's C++ index in this JVM, through bench/cpp/hnswlib_shim.cpp (a shared library of the same
 * headers and flags as the C++ driver) and the FFM API. One downcall answers a range of queries, one
 * {@code searchKnn} each, so the call's own cost is spread over a chunk of queries.
 */
final class HnswlibShim implements AutoCloseable {
  private static final Linker LINKER = Linker.nativeLinker();

  private final MethodHandle setEf;
  private final MethodHandle searchEach;
  private final MethodHandle free;
  private MemorySegment handle;

  private HnswlibShim(SymbolLookup library, MemorySegment handle) {
    this.setEf = downcall(library, "shim_set_ef", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    this.searchEach = downcall(library, "shim_search_each",
        FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    this.free = downcall(library, "shim_free", FunctionDescriptor.ofVoid(ADDRESS));
    this.handle = handle;
  }

  /** hnswlib's index saved at {@code index}, through the shim library at {@code library}. */
  static HnswlibShim load(Path library, String space, int dim, Path index) throws Throwable {
    SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
    MethodHandle load = downcall(lookup, "shim_load", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment handle = (MemorySegment) load.invokeExact(
          arena.allocateFrom(space), dim, arena.allocateFrom(index.toString()));
      if (handle.address() == 0) {
        throw new IllegalStateException("hnswlib could not load " + index + " (its message is above)");
      }
      return new HnswlibShim(lookup, handle);
    }
  }

  void setEf(int ef) throws Throwable {
    setEf.invokeExact(handle, (long) ef);
  }

  /**
   * Queries {@code [from, to)} of {@code queries} (row-major floats), k results each into row q of
   * {@code labels} (u64) and {@code distances} (f32); the number of queries with fewer than k results.
   */
  long searchEach(MemorySegment queries, int from, int to, int k, MemorySegment labels, MemorySegment distances)
      throws Throwable {
    return (long) searchEach.invokeExact(handle, queries, (long) from, (long) to, k, labels, distances);
  }

  @Override
  public void close() {
    if (handle != null) {
      try {
        free.invokeExact(handle);
      } catch (Throwable e) {
        throw new IllegalStateException("shim_free failed", e);
      }
      handle = null;
    }
  }

  private static MethodHandle downcall(SymbolLookup library, String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(library.find(name).orElseThrow(
        () -> new IllegalStateException("no symbol " + name + " in the hnswlib shim")), descriptor);
  }
}
