package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LevelGeneratorTest {
  @Test
  void isMinstdRand0() {
    // the C++ standard fixes the 10000th output of a default-constructed minstd_rand0 (seed 1)
    LevelGenerator generator = new LevelGenerator(1, 1.0);
    long value = 0;
    for (int i = 0; i < 10_000; i++) {
      value = generator.nextRaw();
    }
    assertEquals(1_043_618_065L, value);
  }

  @Test
  void seedIsReducedModuloAndZeroBecomesOne() {
    LevelGenerator zero = new LevelGenerator(0, 1.0);
    LevelGenerator one = new LevelGenerator(1, 1.0);
    LevelGenerator wrapped = new LevelGenerator(2_147_483_647L + 5, 1.0);
    LevelGenerator five = new LevelGenerator(5, 1.0);
    assertEquals(one.nextRaw(), zero.nextRaw());
    assertEquals(five.nextRaw(), wrapped.nextRaw());
  }

  @Test
  void levelsFollowTheGeometricLaw() {
    LevelGenerator generator = new LevelGenerator(100, LevelGenerator.levelMultiplier(16));
    int n = 200_000;
    int aboveZero = 0;
    for (int i = 0; i < n; i++) {
      int level = generator.nextLevel();
      assertTrue(level >= 0);
      if (level > 0) {
        aboveZero++;
      }
    }
    // P(level > 0) = P(U < 1/M) = 1/16
    assertEquals(1.0 / 16, (double) aboveZero / n, 0.003);
  }

  @Test
  void uniformIsInUnitInterval() {
    LevelGenerator generator = new LevelGenerator(42, 1.0);
    for (int i = 0; i < 10_000; i++) {
      double u = generator.nextUniform();
      assertTrue(u >= 0 && u < 1, "u = " + u);
    }
  }
}
