package io.hnswj;

import java.util.Arrays;

/**
 * Slots of deleted elements that {@code add(..., replaceDeleted=true)} may reuse (hnswlib's
 * {@code deleted_elements}). A set with O(1) add, remove and take; thread-safe.
 */
final class VacantSlots {
  private int[] slots = new int[16];
  /** Position of each slot in {@code slots}, or -1; indexed by node id. */
  private int[] positions = new int[0];
  private int size;

  synchronized void add(int node) {
    ensure(node);
    if (positions[node] >= 0) {
      return;
    }
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
    }
    positions[node] = size;
    slots[size++] = node;
  }

  synchronized boolean remove(int node) {
    if (node >= positions.length || positions[node] < 0) {
      return false;
    }
    int at = positions[node];
    int last = slots[--size];
    slots[at] = last;
    positions[last] = at;
    positions[node] = -1;
    return true;
  }

  /** Removes and returns some vacant slot, or -1. */
  synchronized int take() {
    if (size == 0) {
      return -1;
    }
    int node = slots[size - 1];
    remove(node);
    return node;
  }

  synchronized int size() {
    return size;
  }

  private void ensure(int node) {
    if (node >= positions.length) {
      int old = positions.length;
      positions = Arrays.copyOf(positions, Math.max(node + 1, old * 2));
      Arrays.fill(positions, old, positions.length, -1);
    }
  }
}
