package dev.tideline.testing.kinesis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the stream a {@link LocalKinesisStream} test parameter gets: a fresh stream per test,
 * created ACTIVE before the test and deleted after it.
 *
 * <pre>{@code
 * @Test
 * void putsAndGets(@TestStream(shards = 2) LocalKinesisStream stream) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface TestStream {
  /** The number of shards; default 1. */
  int shards() default 1;
}
