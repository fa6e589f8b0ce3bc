package dev.tideline.validator.flink.hourly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A validator library value in state and on the wire in Java serialization, length-prefixed: for
 * the mutable aggregates ({@code Tally}, {@code DeliveryLedger}), written once per result or
 * checkpoint, not per event.
 */
abstract class JavaSerializer<T extends Serializable> extends TypeSerializerSingleton<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  JavaSerializer(Class<T> type) {
    this.type = type;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public T copy(T from) {
    return fromBytes(toBytes(from));
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    byte[] bytes = toBytes(record);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return fromBytes(bytes);
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    target.write(source, length);
  }

  private static byte[] toBytes(Serializable value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private T fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new JobClassesInputStream(new ByteArrayInputStream(bytes), type)) {
      return type.cast(in.readObject());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "a " + type.getSimpleName() + "'s class is missing: " + e.getMessage(), e);
    }
  }

  /**
   * Resolves classes through the loader of the job's own classes: on a cluster the value's classes
   * are in the job jar, which the loader ObjectInputStream would pick may not see.
   */
  private static final class JobClassesInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    JobClassesInputStream(InputStream in, Class<?> type) throws IOException {
      super(in);
      this.loader = type.getClassLoader();
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
