package dev.tideline.sdk;

import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.HashedPii;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * What the tracker does with fields that schemas tag as personal data ({@code (tideline.v1.field) =
 * {pii: ...}}), per {@link PiiClass}, before an event leaves the process: {@link Action#KEEP} sends
 * the value as logged, {@link Action#HASH} sends a keyed hash of a string, {@link Action#DROP}
 * clears the field. Nested messages and repeated fields count. Set it with {@link
 * TrackerBuilder#piiPolicy(PiiPolicy)}; see docs/tracker.md, "Personal data".
 *
 * <pre>{@code
 * PiiPolicy policy = PiiPolicy.builder()
 *     .hashKey(keyFromYourSecretStore)                  // 32 random bytes, kept secret
 *     .action(PiiClass.PII_IDENTIFIER, PiiPolicy.Action.HASH)
 *     .action(PiiClass.PII_CONTACT, PiiPolicy.Action.HASH)
 *     .action(PiiClass.PII_FINANCIAL, PiiPolicy.Action.DROP)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; one policy may serve many trackers.
 */
public final class PiiPolicy {
  /** What happens to the values of one PII class. */
  public enum Action {
    /** Sent as logged. */
    KEEP,
    /**
     * Strings are replaced by {@code hmac-sha256:} and the hex HMAC-SHA256 of their UTF-8 bytes
     * under the policy's key ({@link HashedPii}): equal values stay equal, so they can still be
     * joined and counted, and without the key nobody can find them by hashing guesses. A value
     * already in that form is left as it is. Fields of other types (numbers, bytes, enums,
     * messages, maps) cannot keep their type and stay private, so they are dropped.
     */
    HASH,
    /** The field is cleared: it arrives unset (its default value). */
    DROP
  }

  /**
   * 16 bytes: the shortest hash key accepted. HMAC-SHA256 is as strong as its key up to 32 bytes;
   * 32 random bytes are recommended, a shorter key makes guessing it the easier attack.
   */
  public static final int MIN_KEY_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final PiiPolicy KEEP_ALL = new PiiPolicy(new EnumMap<>(PiiClass.class), null);

  private final Map<PiiClass, Action> actions;
  private final @Nullable SecretKeySpec key; // null when nothing is hashed

  // Mac is not thread-safe: one per thread that logs events with hashed fields.
  private final ThreadLocal<Mac> macs =
      new ThreadLocal<Mac>() {
        @Override
        protected Mac initialValue() {
          // Only a policy that hashes, and so has a key, hashes values.
          return newMac(Objects.requireNonNull(key, "key"));
        }
      };

  private PiiPolicy(Map<PiiClass, Action> actions, @Nullable SecretKeySpec key) {
    this.actions = actions;
    this.key = key;
  }

  /**
   * The default: every value is sent as logged, as before policies existed (see
   * docs/decisions/0106-pii-policy.md for why this is the default).
   */
  public static PiiPolicy keepAll() {
    return KEEP_ALL;
  }

  /** A builder; every class starts as {@link Action#KEEP}. */
  public static Builder builder() {
    return new Builder();
  }

  /** What happens to values of this class; {@link Action#KEEP} for untagged fields. */
  public Action action(PiiClass piiClass) {
    Action action = actions.get(piiClass);
    return action == null ? Action.KEEP : action;
  }

  /** Whether every class is kept, so that the policy changes nothing. */
  boolean keepsAll() {
    return actions.isEmpty();
  }

  /** The hashed form of a string's UTF-8 bytes. Call only when some class is hashed. */
  String hash(byte[] utf8) {
    return HashedPii.format(macs.get().doFinal(utf8));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // The builder made one already, so the platform has HmacSHA256 and takes the key.
      throw new IllegalStateException(ALGORITHM + " is not available: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "PiiPolicy" + actions; // never the key
  }

  /** Configures a {@link PiiPolicy}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private final Map<PiiClass, Action> actions = new EnumMap<>(PiiClass.class);
    private byte @Nullable [] key;

    private Builder() {}

    /**
     * What to do with values of one class.
     *
     * @throws IllegalArgumentException if the class is not a PII class ({@code
     *     PII_CLASS_UNSPECIFIED}, {@code PII_NONE})
     */
    public Builder action(PiiClass piiClass, Action action) {
      Objects.requireNonNull(piiClass, "piiClass");
      Objects.requireNonNull(action, "action");
      if (!isPersonal(piiClass)) {
        throw new IllegalArgumentException(
            "piiClass must be one of PII_IDENTIFIER, PII_CONTACT, PII_LOCATION, PII_FINANCIAL,"
                + " PII_SENSITIVE, was "
                + piiClass.name());
      }
      if (action == Action.KEEP) {
        actions.remove(piiClass);
      } else {
        actions.put(piiClass, action);
      }
      return this;
    }

    /**
     * The secret key of {@link Action#HASH}: at least {@link #MIN_KEY_BYTES} bytes, 32 random bytes
     * recommended. Keep it out of the app's code and logs; every producer whose hashes must join
     * uses the same key. Copied.
     *
     * @throws IllegalArgumentException if the key is shorter than {@link #MIN_KEY_BYTES}
     */
    public Builder hashKey(byte[] key) {
      Objects.requireNonNull(key, "hashKey");
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "hashKey must be at least "
                + MIN_KEY_BYTES
                + " bytes (32 random bytes recommended), was "
                + key.length
                + " bytes");
      }
      this.key = key.clone();
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalStateException if a class is hashed and no {@link #hashKey} was given, or the
     *     platform has no HmacSHA256
     */
    public PiiPolicy build() {
      SecretKeySpec spec = null;
      if (actions.containsValue(Action.HASH)) {
        if (key == null) {
          throw new IllegalStateException(
              "HASH needs a key: call hashKey(...) with at least " + MIN_KEY_BYTES + " bytes");
        }
        spec = new SecretKeySpec(key, ALGORITHM);
        try {
          Mac.getInstance(ALGORITHM).init(spec); // fail here, not on the first event
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(
              "this platform cannot compute " + ALGORITHM + ": " + e, e);
        }
      }
      return new PiiPolicy(new EnumMap<>(actions), spec);
    }
  }

  static boolean isPersonal(PiiClass piiClass) {
    switch (piiClass) {
      case PII_IDENTIFIER:
      case PII_CONTACT:
      case PII_LOCATION:
      case PII_FINANCIAL:
      case PII_SENSITIVE:
        return true;
      default:
        return false;
    }
  }
}
