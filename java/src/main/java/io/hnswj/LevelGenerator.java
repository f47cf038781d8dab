package io.hnswj;

/**
 * hnswlib's random level: {@code floor(-ln(U) / ln(M))} where {@code U} comes from libstdc++'s
 * {@code std::default_random_engine} ({@code minstd_rand0}: {@code x ← 16807·x mod (2³¹-1)}) through
 * {@code generate_canonical<double, 53>} (two draws per {@code U}). Reproduces hnswlib's levels on
 * Linux exactly for the same seed. Not thread-safe: callers serialise draws.
 */
final class LevelGenerator {
  private static final long MODULUS = 2_147_483_647L;
  private static final long MULTIPLIER = 16_807L;
  private static final double RANGE = 2_147_483_646.0;
  /** Guards against {@code U = 0} (probability 2⁻⁶²), where hnswlib's cast is undefined. */
  private static final int MAX_LEVEL = 64;

  private final double levelMultiplier;
  private long state;

  LevelGenerator(long seed, double levelMultiplier) {
    long reduced = Long.remainderUnsigned(seed, MODULUS);
    this.state = reduced == 0 ? 1 : reduced;
    this.levelMultiplier = levelMultiplier;
  }

  /** {@code 1 / ln(M)}, hnswlib's {@code mult_}. */
  static double levelMultiplier(int m) {
    return 1 / StrictMath.log(1.0 * m);
  }

  long nextRaw() {
    state = state * MULTIPLIER % MODULUS;
    return state;
  }

  /** A uniform double in [0, 1), computed in libstdc++'s order of operations. */
  double nextUniform() {
    double sum = 0;
    double scale = 1;
    sum += (nextRaw() - 1) * scale;
    scale *= RANGE;
    sum += (nextRaw() - 1) * scale;
    scale *= RANGE;
    double u = sum / scale;
    return u >= 1 ? Math.nextDown(1.0) : u;
  }

  int nextLevel() {
    double level = -StrictMath.log(nextUniform()) * levelMultiplier;
    return level >= MAX_LEVEL ? MAX_LEVEL : (int) level;
  }
}
