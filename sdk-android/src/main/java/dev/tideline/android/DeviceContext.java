package dev.tideline.android;

import android.content.Context;
import android.content.pm.PackageInfo;
import android.content.pm.PackageManager;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Build;
import dev.tideline.proto.v1.NetworkType;
import dev.tideline.proto.v1.Platform;
import java.util.Locale;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/** Reads what every envelope says about the app and the device. Stateless. */
final class DeviceContext {
  private DeviceContext() {}

  /** The app's package info, or null if the package manager does not know it. */
  static @Nullable PackageInfo packageInfo(Context app) {
    try {
      return app.getPackageManager().getPackageInfo(app.getPackageName(), 0);
    } catch (PackageManager.NameNotFoundException | RuntimeException e) {
      return null;
    }
  }

  /** The context of a new process: app, OS, device, locale, time zone, network; no session. */
  static dev.tideline.proto.v1.Context read(Context app, @Nullable PackageInfo info) {
    dev.tideline.proto.v1.Context.Builder context =
        dev.tideline.proto.v1.Context.newBuilder()
            .setAppId(app.getPackageName())
            .setPlatform(Platform.ANDROID)
            .setOsName("Android")
            .setOsVersion(nonNull(Build.VERSION.RELEASE))
            .setDeviceManufacturer(nonNull(Build.MANUFACTURER))
            .setDeviceModel(nonNull(Build.MODEL))
            .setSdkVersion(Tideline.SDK_VERSION);
    if (info != null && info.versionName != null) {
      context.setAppVersion(info.versionName);
    }
    return withLocale(context.build()).toBuilder().setNetwork(networkType(app)).build();
  }

  /** The context with the device's current locale and time zone (users change both). */
  static dev.tideline.proto.v1.Context withLocale(dev.tideline.proto.v1.Context context) {
    return context.toBuilder()
        .setLocale(Locale.getDefault().toLanguageTag())
        .setTimeZone(TimeZone.getDefault().getID())
        .build();
  }

  /** The type of the default network now; UNSPECIFIED without ACCESS_NETWORK_STATE. */
  static NetworkType networkType(Context app) {
    try {
      ConnectivityManager connectivity =
          (ConnectivityManager) app.getSystemService(Context.CONNECTIVITY_SERVICE);
      if (connectivity == null) {
        return NetworkType.NETWORK_TYPE_UNSPECIFIED;
      }
      Network network = connectivity.getActiveNetwork();
      if (network == null) {
        return NetworkType.NETWORK_NONE;
      }
      return networkType(connectivity.getNetworkCapabilities(network));
    } catch (RuntimeException e) { // SecurityException without the permission
      return NetworkType.NETWORK_TYPE_UNSPECIFIED;
    }
  }

  static NetworkType networkType(NetworkCapabilities capabilities) {
    if (capabilities == null) {
      return NetworkType.NETWORK_NONE;
    }
    if (capabilities.hasTransport(NetworkCapabilities.TRANSPORT_WIFI)) {
      return NetworkType.WIFI;
    }
    if (capabilities.hasTransport(NetworkCapabilities.TRANSPORT_CELLULAR)) {
      return NetworkType.CELLULAR;
    }
    if (capabilities.hasTransport(NetworkCapabilities.TRANSPORT_ETHERNET)) {
      return NetworkType.ETHERNET;
    }
    return NetworkType.NETWORK_OTHER;
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
