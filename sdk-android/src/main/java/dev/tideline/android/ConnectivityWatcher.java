package dev.tideline.android;

import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.util.Log;
import dev.tideline.proto.v1.NetworkType;
import org.jspecify.annotations.Nullable;

/**
 * Follows the default network (API 24: {@code registerDefaultNetworkCallback}): flushes when a
 * network becomes available, so that events kept while offline leave as soon as they can, and keeps
 * the context's network type current. Callbacks arrive on the system's connectivity thread.
 */
final class ConnectivityWatcher extends ConnectivityManager.NetworkCallback {
  private final Tideline tideline;
  private final ConnectivityManager connectivity;

  private ConnectivityWatcher(Tideline tideline, ConnectivityManager connectivity) {
    this.tideline = tideline;
    this.connectivity = connectivity;
  }

  /** Registers a watcher, or returns null (no ACCESS_NETWORK_STATE permission, no service). */
  static @Nullable ConnectivityWatcher register(Tideline tideline) {
    try {
      ConnectivityManager connectivity =
          (ConnectivityManager) tideline.app.getSystemService(Context.CONNECTIVITY_SERVICE);
      if (connectivity == null) {
        return null;
      }
      ConnectivityWatcher watcher = new ConnectivityWatcher(tideline, connectivity);
      connectivity.registerDefaultNetworkCallback(watcher);
      return watcher;
    } catch (RuntimeException e) { // SecurityException without ACCESS_NETWORK_STATE
      Log.w(
          "Tideline",
          "cannot follow the network (" + e + "); events are sent on the other triggers only");
      return null;
    }
  }

  void unregister() {
    try {
      connectivity.unregisterNetworkCallback(this);
    } catch (RuntimeException e) {
      // not registered any more
    }
  }

  @Override
  public void onAvailable(Network network) {
    tideline.runInBackground(tideline::flush);
  }

  @Override
  public void onCapabilitiesChanged(Network network, NetworkCapabilities capabilities) {
    tideline.onNetworkChanged(DeviceContext.networkType(capabilities));
  }

  @Override
  public void onLost(Network network) {
    tideline.onNetworkChanged(NetworkType.NETWORK_NONE);
  }
}
