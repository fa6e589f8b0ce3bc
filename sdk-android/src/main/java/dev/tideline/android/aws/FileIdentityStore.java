package dev.tideline.android.aws;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link IdentityStore#file(File)}: the identity id as UTF-8 text in one file. */
final class FileIdentityStore implements IdentityStore {
  private final File file;
  private final Object lock = new Object();

  FileIdentityStore(File file) {
    this.file = file;
  }

  @Override
  public @Nullable String get() throws IOException {
    synchronized (lock) {
      byte[] bytes;
      try (InputStream in = new FileInputStream(file)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        byte[] buffer = new byte[256];
        for (int n; (n = in.read(buffer)) != -1; ) {
          out.write(buffer, 0, n);
          if (out.size() > 4096) {
            throw new IOException(file + " is too large to hold an identity id");
          }
        }
        bytes = out.toByteArray();
      } catch (FileNotFoundException e) {
        return null;
      }
      String id = new String(bytes, StandardCharsets.UTF_8).trim();
      return id.isEmpty() ? null : id;
    }
  }

  @Override
  public void put(String identityId) throws IOException {
    Objects.requireNonNull(identityId, "identityId");
    synchronized (lock) {
      File temp = new File(file.getPath() + ".tmp");
      try (FileOutputStream out = new FileOutputStream(temp)) {
        out.write(identityId.getBytes(StandardCharsets.UTF_8));
        out.getFD().sync();
      }
      if (!temp.renameTo(file)) {
        throw new IOException("cannot rename " + temp + " to " + file);
      }
    }
  }

  @Override
  public String toString() {
    return "IdentityStore{" + file + "}";
  }
}
