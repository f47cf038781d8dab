package io.hnswj.fuzz;

import io.hnswj.IndexFormatException;

/**
 * The only ways a loader may refuse bytes: an {@link IndexFormatException} carrying hnswlib's message
 * and a detail, or the allocator's "Not enough memory" for a plausible but unaffordable capacity (as
 * hnswlib's {@code std::bad_alloc}). Anything else (an out-of-bounds index, a negative array size,
 * a null pointer, an {@link Error}) is a finding, so it is rethrown for Jazzer to report.
 */
final class CleanRejection {
  private CleanRejection() {}

  static void rethrowUnlessClean(Throwable t) {
    if (isClean(t)) {
      return;
    }
    if (t instanceof Error error) {
      throw error;
    }
    throw new AssertionError("unclean rejection: " + t, t);
  }

  static boolean isClean(Throwable t) {
    if (t instanceof IndexFormatException) {
      String message = t.getMessage();
      return message.startsWith(IndexFormatException.HNSWLIB_MESSAGE + ": ")
          && message.length() > IndexFormatException.HNSWLIB_MESSAGE.length() + 2;
    }
    return t instanceof IllegalStateException
        && t.getMessage() != null
        && t.getMessage().startsWith("Not enough memory");
  }
}
