package io.hnswj;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that it is either complete or untouched: the bytes go to a temporary file in the
 * same directory, are forced to disk, and the temporary file is renamed over the target. A failure
 * (full disk, kill, exception) leaves the previous file as it was and removes the temporary file
 * where it can.
 */
final class AtomicFiles {
  /** Produces the file's bytes. */
  @FunctionalInterface
  interface Writer {
    void writeTo(WritableByteChannel out) throws IOException;
  }

  private AtomicFiles() {}

  static void write(Path target, Writer writer) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      keepPermissions(absolute, temporary);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writer.writeTo(channel);
        channel.force(true);
      }
      try {
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  // temporary files are private (0600); give the result the old file's permissions, or rw-r--r--
  private static void keepPermissions(Path target, Path temporary) throws IOException {
    if (!temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.setPosixFilePermissions(temporary, Files.exists(target)
        ? Files.getPosixFilePermissions(target)
        : PosixFilePermissions.fromString("rw-r--r--"));
  }
}
