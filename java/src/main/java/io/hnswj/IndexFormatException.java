package io.hnswj;

import java.io.IOException;

/**
 * A file or byte stream that is not a valid index in hnswlib's format: truncated, corrupt, or made for
 * another dimension. The message starts with hnswlib's own words and then says what is wrong.
 */
public final class IndexFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** hnswlib's message for every corrupt file. */
  public static final String HNSWLIB_MESSAGE = "Index seems to be corrupted or unsupported";

  public IndexFormatException(String detail) {
    super(HNSWLIB_MESSAGE + ": " + detail);
  }
}
