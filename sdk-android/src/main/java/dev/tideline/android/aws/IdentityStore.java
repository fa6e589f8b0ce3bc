package dev.tideline.android.aws;

import java.io.File;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the Cognito identity id of an install, so the app keeps one identity across restarts
 * instead of creating a new one on every start (Cognito counts identities per pool).
 *
 * <p>Implementations must be thread-safe; {@link CognitoCredentialsProvider} calls them off the
 * main thread.
 */
public interface IdentityStore {
  /**
   * The identity id stored, or null when there is none yet.
   *
   * @throws IOException if the store cannot be read
   */
  @Nullable String get() throws IOException;

  /**
   * Stores the identity id, replacing any other.
   *
   * @throws IOException if the store cannot be written
   */
  void put(String identityId) throws IOException;

  /**
   * A store in a file, for example in the app's no-backup files folder (an identity restored on
   * another device should not be shared with it). The file is replaced atomically (written next to
   * it, then renamed); its folder must exist.
   *
   * @throws NullPointerException if file is null
   */
  static IdentityStore file(File file) {
    return new FileIdentityStore(Objects.requireNonNull(file, "file"));
  }

  /** A store in memory: an app that uses it gets a new identity on every start. */
  static IdentityStore inMemory() {
    return new IdentityStore() {
      private volatile @Nullable String identityId;

      @Override
      public @Nullable String get() {
        return identityId;
      }

      @Override
      public void put(String identityId) {
        this.identityId = Objects.requireNonNull(identityId, "identityId");
      }
    };
  }
}
