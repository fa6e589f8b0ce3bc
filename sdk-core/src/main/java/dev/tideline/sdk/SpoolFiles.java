package dev.tideline.sdk;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * How the spool touches the disk to write: creating, appending to, syncing and truncating segment
 * files. The one seam between the spool and the file system, so that tests can make the disk full
 * or refuse permission at any byte, which no test running as root can do with real files. Reading
 * always uses real files.
 */
interface SpoolFiles {
  /** A segment file open for appending. Used by one thread at a time. */
  interface Output {
    /** Appends bytes at the end of the file. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Forces everything written to the storage device ({@code fsync}, without metadata). */
    void sync() throws IOException;

    /** Cuts the file to a size. */
    void truncate(long size) throws IOException;

    /** Closes the file; never throws. */
    void close();
  }

  /** Creates a new file, failing if it exists, and opens it for appending. */
  Output create(File file) throws IOException;

  /** The real file system. */
  SpoolFiles REAL =
      new SpoolFiles() {
        @Override
        public Output create(File file) throws IOException {
          if (!file.createNewFile()) {
            throw new IOException("cannot create " + file + ": it already exists");
          }
          final RandomAccessFile raf = new RandomAccessFile(file, "rw");
          final FileChannel channel = raf.getChannel();
          return new Output() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
              ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
              while (buffer.hasRemaining()) {
                channel.write(buffer);
              }
            }

            @Override
            public void sync() throws IOException {
              channel.force(false);
            }

            @Override
            public void truncate(long size) throws IOException {
              channel.truncate(size);
              channel.position(size);
            }

            @Override
            public void close() {
              try {
                raf.close();
              } catch (IOException e) {
                // nothing left to do: the data that mattered was synced or reported
              }
            }
          };
        }
      };
}
