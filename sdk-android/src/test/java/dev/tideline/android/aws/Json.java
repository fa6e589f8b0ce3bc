package dev.tideline.android.aws;

import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * JSON for tests, over the org.json the tests run with (Android's, from android-all, whose
 * JSONException is checked): objects and arrays built in one expression.
 */
final class Json {
  private Json() {}

  /** An object of name, value pairs. */
  static JSONObject object(Object... namesAndValues) {
    try {
      JSONObject object = new JSONObject();
      for (int i = 0; i < namesAndValues.length; i += 2) {
        object.put((String) namesAndValues[i], namesAndValues[i + 1]);
      }
      return object;
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An array of these values. */
  static JSONArray array(List<?> values) {
    JSONArray array = new JSONArray();
    values.forEach(array::put);
    return array;
  }

  static JSONObject parse(String text) {
    try {
      return new JSONObject(text);
    } catch (JSONException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static JSONObject getObject(JSONObject object, String name) {
    try {
      return object.getJSONObject(name);
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JSONArray getArray(JSONObject object, String name) {
    try {
      return object.getJSONArray(name);
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JSONObject at(JSONArray array, int index) {
    try {
      return array.getJSONObject(index);
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String string(JSONObject object, String name) {
    return AwsJsonClient.string(object, name);
  }
}
