package io.hnswj;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Off-heap blocks that come as lazily zeroed pages, so a big capacity costs memory only as it fills (as
 * hnswlib's {@code malloc}), unlike {@code Arena.allocate}, which touches every byte: from
 * {@link HugePageMappings} on Linux from 2 MiB up (fewer TLB misses for a search's scattered reads),
 * else from the C allocator's {@code calloc}. Each block owns a shared arena; closing it frees the
 * block. {@link #allocatedBytes()} is the live total, for leak checks and memory reports.
 */
public final class NativeMemory {
  private static final AtomicLong ALLOCATED = new AtomicLong();
  private static final MethodHandle CALLOC;
  private static final MethodHandle FREE;

  static {
    Linker linker = Linker.nativeLinker();
    CALLOC = linker.downcallHandle(
        linker.defaultLookup().find("calloc").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    FREE = linker.downcallHandle(
        linker.defaultLookup().find("free").orElseThrow(),
        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
  }

  private NativeMemory() {}

  /** Bytes currently allocated by all indexes of this JVM and not yet released. */
  public static long allocatedBytes() {
    return ALLOCATED.get();
  }

  /** A zeroed block and the arena that frees it. */
  record Block(MemorySegment segment, Arena arena) implements AutoCloseable {
    @Override
    public void close() {
      arena.close();
    }
  }

  /**
   * Allocates {@code bytes} zeroed bytes.
   *
   * @throws IllegalStateException "Not enough memory" if the allocator refuses
   */
  static Block allocateZeroed(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative allocation: " + bytes);
    }
    long size = Math.max(1, bytes);
    HugePageMappings.Mapping mapping = size >= HugePageMappings.HUGE_PAGE && HugePageMappings.available()
        ? HugePageMappings.map(size)
        : null;
    if (mapping != null) {
      return track(MemorySegment.ofAddress(mapping.address()), size,
          zeroLength -> HugePageMappings.unmap(mapping));
    }
    MemorySegment raw;
    try {
      raw = (MemorySegment) CALLOC.invokeExact(1L, size);
    } catch (Throwable t) {
      throw new IllegalStateException("Not enough memory: " + t, t);
    }
    if (raw.address() == 0) {
      throw new IllegalStateException(
          "Not enough memory: cannot allocate " + size + " bytes for the index");
    }
    return track(raw, size, NativeMemory::free);
  }

  /**
   * The {@code size} bytes at {@code start} as a block of their own arena, counted in the total until
   * the arena closes and {@code release} gets them (as a zero-length view of the block).
   */
  private static Block track(MemorySegment start, long size, Consumer<MemorySegment> release) {
    ALLOCATED.addAndGet(size);
    Arena arena = Arena.ofShared();
    MemorySegment segment = start.reinterpret(size, arena, zeroLength -> {
      release.accept(zeroLength);
      ALLOCATED.addAndGet(-size);
    });
    return new Block(segment, arena);
  }

  private static void free(MemorySegment block) {
    try {
      FREE.invokeExact(block);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
