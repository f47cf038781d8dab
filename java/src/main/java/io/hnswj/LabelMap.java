package io.hnswj;

import java.util.Arrays;

/**
 * Label → internal id, open addressing with linear probing over primitive arrays (no boxing, about
 * 16-32 bytes per entry). Not thread-safe: {@link HnswIndex} guards it with its label-lookup lock.
 */
final class LabelMap {
  private static final int EMPTY = -1;

  private long[] keys;
  private int[] values;
  private int size;

  LabelMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, (int) Math.min(1 << 30, expected * 4L / 3 + 1)) - 1) << 1;
    keys = new long[capacity];
    values = new int[capacity];
    Arrays.fill(values, EMPTY);
  }

  int size() {
    return size;
  }

  /** The id of {@code label}, or -1. */
  int get(long label) {
    int mask = keys.length - 1;
    for (int slot = slot(label, mask); ; slot = (slot + 1) & mask) {
      int value = values[slot];
      if (value == EMPTY) {
        return -1;
      }
      if (keys[slot] == label) {
        return value;
      }
    }
  }

  void put(long label, int id) {
    if ((size + 1) * 4L > keys.length * 3L) {
      rehash(keys.length * 2);
    }
    int mask = keys.length - 1;
    for (int slot = slot(label, mask); ; slot = (slot + 1) & mask) {
      if (values[slot] == EMPTY) {
        keys[slot] = label;
        values[slot] = id;
        size++;
        return;
      }
      if (keys[slot] == label) {
        values[slot] = id;
        return;
      }
    }
  }

  /** Removes {@code label} if present (backward-shift deletion keeps probe chains intact). */
  void remove(long label) {
    int mask = keys.length - 1;
    int slot = slot(label, mask);
    while (true) {
      if (values[slot] == EMPTY) {
        return;
      }
      if (keys[slot] == label) {
        break;
      }
      slot = (slot + 1) & mask;
    }
    size--;
    int hole = slot;
    for (int next = (hole + 1) & mask; values[next] != EMPTY; next = (next + 1) & mask) {
      int home = slot(keys[next], mask);
      // move the entry back if its home is not in the (hole, next] range, cyclically
      boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
      if (movable) {
        keys[hole] = keys[next];
        values[hole] = values[next];
        hole = next;
      }
    }
    values[hole] = EMPTY;
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[capacity];
    values = new int[capacity];
    Arrays.fill(values, EMPTY);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != EMPTY) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int slot(long label, int mask) {
    long h = label * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
