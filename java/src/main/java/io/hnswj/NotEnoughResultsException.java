package io.hnswj;

/**
 * A batch search into a fixed {@code rows × k} output found fewer than {@code k} neighbours for some
 * query. The message is hnswlib's.
 */
public final class NotEnoughResultsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  static final String MESSAGE =
      "Cannot return the results in a contiguous 2D array. Probably ef or M is too small";

  public NotEnoughResultsException() {
    super(MESSAGE);
  }
}
