package io.fabstir.otel.gpu;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** NVML through JNA. Handles, names and UUIDs are read once at open; readings on every {@link #read()}. */
final class NvmlProbe implements GpuProbe {

  private final NvmlLibrary nvml;
  private final Pointer[] handles;
  private final String[] names;
  private final String[] uuids;
  private volatile boolean closed;

  private NvmlProbe(NvmlLibrary nvml, Pointer[] handles, String[] names, String[] uuids) {
    this.nvml = nvml;
    this.handles = handles;
    this.names = names;
    this.uuids = uuids;
  }

  static GpuProbe open(String library) {
    Optional<Path> file = NvmlLocator.locate(library);
    if (file.isEmpty()) {
      return GpuProbe.none(
          "NVML library not found ("
              + (library == null || library.isBlank() ? String.join(", ", NvmlLocator.DEFAULT_NAMES) : library)
              + ")");
    }
    NvmlLibrary nvml;
    try {
      nvml = Native.load(file.get().toString(), NvmlLibrary.class);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return GpuProbe.none("NVML library " + file.get() + " failed to load: " + firstLine(e.getMessage()));
    }
    int rc;
    try {
      rc = nvml.nvmlInit_v2();
    } catch (UnsatisfiedLinkError e) {
      return GpuProbe.none("NVML library lacks nvmlInit_v2: " + firstLine(e.getMessage()));
    }
    if (rc != NvmlLibrary.NVML_SUCCESS) {
      return GpuProbe.none("nvmlInit_v2 failed with NVML error " + rc);
    }
    try {
      IntByReference count = new IntByReference();
      check(nvml.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount_v2");
      int n = count.getValue();
      if (n == 0) {
        nvml.nvmlShutdown();
        return GpuProbe.none("NVML reports no GPU devices");
      }
      Pointer[] handles = new Pointer[n];
      String[] names = new String[n];
      String[] uuids = new String[n];
      for (int i = 0; i < n; i++) {
        PointerByReference ref = new PointerByReference();
        check(nvml.nvmlDeviceGetHandleByIndex_v2(i, ref), "nvmlDeviceGetHandleByIndex_v2");
        handles[i] = ref.getValue();
        byte[] name = new byte[NvmlLibrary.NAME_BUFFER];
        check(nvml.nvmlDeviceGetName(handles[i], name, name.length), "nvmlDeviceGetName");
        names[i] = cString(name);
        byte[] uuid = new byte[NvmlLibrary.UUID_BUFFER];
        check(nvml.nvmlDeviceGetUUID(handles[i], uuid, uuid.length), "nvmlDeviceGetUUID");
        uuids[i] = cString(uuid);
      }
      return new NvmlProbe(nvml, handles, names, uuids);
    } catch (NvmlException | UnsatisfiedLinkError e) {
      nvml.nvmlShutdown();
      return GpuProbe.none(firstLine(e.getMessage()));
    }
  }

  @Override
  public boolean available() {
    return !closed;
  }

  @Override
  public String unavailableReason() {
    return closed ? "closed" : "";
  }

  @Override
  public int deviceCount() {
    return handles.length;
  }

  /**
   * Each value is read on its own: a device that does not support one query (NVML_ERROR_NOT_SUPPORTED on MIG
   * slices or boards without a power sensor) or fails it still reports the others, and names what is missing.
   */
  @Override
  public List<GpuReading> read() {
    if (closed) {
      return List.of();
    }
    List<GpuReading> readings = new ArrayList<>(handles.length);
    try (Memory utilization = new Memory(8); Memory memory = new Memory(24)) {
      IntByReference temperature = new IntByReference();
      IntByReference milliwatts = new IntByReference();
      for (int i = 0; i < handles.length; i++) {
        Pointer device = handles[i];
        List<String> missing = new ArrayList<>(0);
        double util =
            ok(nvml.nvmlDeviceGetUtilizationRates(device, utilization), "utilization", missing)
                ? Integer.toUnsignedLong(utilization.getInt(0))
                : Double.NaN;
        boolean mem = ok(nvml.nvmlDeviceGetMemoryInfo(device, memory), "memory", missing);
        double temp =
            ok(nvml.nvmlDeviceGetTemperature(device, NvmlLibrary.NVML_TEMPERATURE_GPU, temperature),
                    "temperature", missing)
                ? Integer.toUnsignedLong(temperature.getValue())
                : Double.NaN;
        double watts =
            ok(nvml.nvmlDeviceGetPowerUsage(device, milliwatts), "power", missing)
                ? Integer.toUnsignedLong(milliwatts.getValue()) / 1000.0
                : Double.NaN;
        readings.add(
            new GpuReading(
                i,
                names[i],
                uuids[i],
                util,
                mem ? memory.getLong(16) : -1,
                mem ? memory.getLong(0) : -1,
                temp,
                watts,
                missing));
      }
    }
    return readings;
  }

  private static boolean ok(int rc, String what, List<String> missing) {
    if (rc == NvmlLibrary.NVML_SUCCESS) {
      return true;
    }
    missing.add(
        what + ": " + (rc == NvmlLibrary.NVML_ERROR_NOT_SUPPORTED ? GpuReading.NOT_SUPPORTED : "NVML error " + rc));
    return false;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      nvml.nvmlShutdown();
    }
  }

  private static void check(int rc, String call) {
    if (rc != NvmlLibrary.NVML_SUCCESS) {
      throw new NvmlException(call + " failed with NVML error " + rc);
    }
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** An NVML call returned an error code. */
  static final class NvmlException extends RuntimeException {
    NvmlException(String message) {
      super(message);
    }
  }
}
