package io.hnswj;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Large zeroed blocks as anonymous Linux mappings aligned to 2 MiB and advised for transparent huge
 * pages ({@code madvise(MADV_HUGEPAGE)}). A search reads vectors scattered over the whole block: with
 * 4 KiB pages nearly every one of them also misses the TLB once the block outgrows what the TLB maps
 * (a few MiB), with 2 MiB pages a 100 MiB index needs 50 entries. hnswlib's {@code malloc} gets huge
 * pages only where the system enables them for everything ({@code enabled=always}); most systems,
 * this one included, default to {@code madvise}, i.e. only for memory that asks.
 *
 * <p>Pages are still committed lazily, now 2 MiB at a time, and come zeroed from the kernel as
 * {@code calloc}'s do. Elsewhere than Linux, or if libc's functions cannot be linked,
 * {@link #available()} is false; when it is, but a mapping is refused, {@link #map} returns null. Either
 * way {@link NativeMemory} uses {@code calloc}.
 */
final class HugePageMappings {
  static final long HUGE_PAGE = 2L << 20;

  private static final int PROT_READ_WRITE = 0x1 | 0x2;
  private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
  private static final int MADV_HUGEPAGE = 14;
  private static final long MAP_FAILED = -1L;

  private static final MethodHandle MMAP;
  private static final MethodHandle MUNMAP;
  private static final MethodHandle MADVISE;

  static {
    MethodHandle mmap = null;
    MethodHandle munmap = null;
    MethodHandle madvise = null;
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
        && !Boolean.getBoolean("hnswj.noHugePages")) {
      try {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT));
      } catch (RuntimeException | LinkageError e) {
        mmap = null;
      }
    }
    MMAP = mmap;
    MUNMAP = munmap;
    MADVISE = madvise;
  }

  private HugePageMappings() {}

  /** Whether {@link #map} can be used (Linux, unless {@code -Dhnswj.noHugePages=true}). */
  static boolean available() {
    return MMAP != null;
  }

  /** A mapping: {@code address} is 2 MiB aligned; {@code base} and {@code length} are what to unmap. */
  record Mapping(long address, long base, long length) {}

  /**
   * Maps at least {@code bytes} zeroed bytes starting on a 2 MiB boundary and advises them for huge
   * pages (advice the kernel may ignore: the memory works either way). Null if the kernel refuses.
   */
  static Mapping map(long bytes) {
    if (bytes <= 0 || bytes > Long.MAX_VALUE / 4) {
      return null;
    }
    long hugePages = roundUp(bytes, HUGE_PAGE);
    long length = hugePages + HUGE_PAGE; // room to move the start to a boundary
    try {
      MemorySegment base = (MemorySegment) MMAP.invokeExact(
          MemorySegment.NULL, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
      if (base.address() == MAP_FAILED || base.address() == 0) {
        return null;
      }
      long address = roundUp(base.address(), HUGE_PAGE);
      int ignored = (int) MADVISE.invokeExact(
          MemorySegment.ofAddress(address), hugePages, MADV_HUGEPAGE);
      return new Mapping(address, base.address(), length);
    } catch (Throwable t) {
      return null;
    }
  }

  static void unmap(Mapping mapping) {
    try {
      int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(mapping.base()), mapping.length());
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static long roundUp(long value, long unit) {
    return (value + unit - 1) / unit * unit;
  }
}
