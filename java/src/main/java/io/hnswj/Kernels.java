package io.hnswj;

import java.util.Locale;

/**
 * Chooses the {@link DistanceKernel} once per JVM, like Lucene's {@code VectorizationProvider}.
 *
 * <p>The choice comes from the system property {@code hnswj.kernel}, else the environment variable
 * {@code HNSWJ_KERNEL}: {@code panama} (the default: Vector API, fused multiply-add, fastest),
 * {@code sse} (hnswlib's SSE summation order: single-threaded seeded builds are byte-identical to
 * hnswlib's) or {@code scalar}. Without the {@code jdk.incubator.vector} module the default falls back
 * to {@code sse}; {@link #selectionReason()} says why, and the choice is logged at DEBUG level on the
 * {@code io.hnswj} logger.
 */
public final class Kernels {
  /** The property that forces a kernel. */
  public static final String PROPERTY = "hnswj.kernel";
  /** The environment variable that forces a kernel when the property is not set. */
  public static final String ENVIRONMENT_VARIABLE = "HNSWJ_KERNEL";

  private Kernels() {}

  private static final class Holder {
    static final String REASON;
    static final DistanceKernel ACTIVE;

    static {
      String requested = System.getProperty(PROPERTY);
      String source = "system property " + PROPERTY;
      if (requested == null || requested.isBlank()) {
        requested = System.getenv(ENVIRONMENT_VARIABLE);
        source = "environment variable " + ENVIRONMENT_VARIABLE;
      }
      DistanceKernel chosen;
      String reason;
      if (requested == null || requested.isBlank()) {
        String unavailable = panamaUnavailableReason();
        if (unavailable == null) {
          chosen = PanamaKernel.INSTANCE;
          reason = "default: Vector API with " + PanamaKernel.vectorBits() + "-bit vectors";
        } else {
          chosen = SseOrderKernel.INSTANCE;
          reason = "Vector API unavailable (" + unavailable + "); using hnswlib's SSE order";
        }
      } else {
        chosen = byName(requested.trim());
        reason = "requested by " + source;
      }
      ACTIVE = chosen;
      REASON = reason;
      System.getLogger("io.hnswj")
          .log(System.Logger.Level.DEBUG, "distance kernel: {0} ({1})", chosen.name(), reason);
    }
  }

  /** The kernel this JVM uses for every index. */
  public static DistanceKernel active() {
    return Holder.ACTIVE;
  }

  /** Why {@link #active()} was chosen. */
  public static String selectionReason() {
    return Holder.REASON;
  }

  /**
   * A kernel by name, for tests and benchmarks that compare kernels in one JVM.
   *
   * @throws IllegalArgumentException for an unknown name or an unavailable Vector API
   */
  public static DistanceKernel byName(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "scalar":
        return ScalarKernel.INSTANCE;
      case "sse":
        return SseOrderKernel.INSTANCE;
      case "panama":
        String unavailable = panamaUnavailableReason();
        if (unavailable != null) {
          throw new IllegalArgumentException("The panama kernel is unavailable: " + unavailable);
        }
        return PanamaKernel.INSTANCE;
      default:
        throw new IllegalArgumentException(
            "Unknown distance kernel '" + name + "': expected panama, sse or scalar");
    }
  }

  /** Null when the Vector API can be used, else why not. */
  private static String panamaUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "module jdk.incubator.vector not resolved; add --add-modules jdk.incubator.vector";
    }
    try {
      return PanamaKernel.vectorBits() >= 128 ? null : "vectors narrower than 128 bits";
    } catch (LinkageError e) {
      return e.toString();
    }
  }
}
