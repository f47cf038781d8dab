package io.hnswj;

import java.util.Locale;

/**
 * The distance spaces of hnswlib. Every distance is a float32 where smaller means closer:
 *
 * <ul>
 *   <li>{@link #L2}: squared Euclidean distance, {@code Σ (a_i - b_i)²} (no square root);
 *   <li>{@link #IP}: {@code 1 - Σ a_i b_i}, which can be negative;
 *   <li>{@link #COSINE}: {@link #IP} over vectors normalised at insert and at query time with hnswlib's
 *       float32 formula {@code x_i * (1 / (sqrt(Σ x²) + 1e-30))}. Stored vectors stay normalised.
 * </ul>
 *
 * <p>This enum is the one place where hnswlib's space names and conventions are mapped.
 */
public enum Space {
  L2("l2"),
  IP("ip"),
  COSINE("cosine");

  private final String pythonName;

  Space(String pythonName) {
    this.pythonName = pythonName;
  }

  /** The name hnswlib uses: {@code "l2"}, {@code "ip"} or {@code "cosine"}. */
  public String pythonName() {
    return pythonName;
  }

  /** Whether vectors are normalised before they are stored or searched. */
  public boolean normalizes() {
    return this == COSINE;
  }

  /** Whether the distance is {@code 1 - dot} rather than squared L2. */
  boolean usesInnerProduct() {
    return this != L2;
  }

  /**
   * Parses hnswlib's space name.
   *
   * @throws IllegalArgumentException with hnswlib's message for any other name
   */
  public static Space fromName(String name) {
    if (name != null) {
      for (Space space : values()) {
        if (space.pythonName.equals(name)) {
          return space;
        }
      }
    }
    throw new IllegalArgumentException("Space name must be one of l2, ip, or cosine.");
  }

  @Override
  public String toString() {
    return pythonName.toUpperCase(Locale.ROOT);
  }
}
