package io.fabstir.otel.gpu;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/** The NVML entry points we use (nvml.h). Structs are passed as raw memory to keep JNA reflection out of the way. */
interface NvmlLibrary extends Library {
  int NVML_SUCCESS = 0;
  int NVML_ERROR_NOT_SUPPORTED = 3;
  int NVML_TEMPERATURE_GPU = 0;
  /** Buffer sizes from nvml.h (NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE). */
  int NAME_BUFFER = 96;
  int UUID_BUFFER = 96;

  int nvmlInit_v2();

  int nvmlShutdown();

  int nvmlDeviceGetCount_v2(IntByReference count);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  /** nvmlUtilization_t: unsigned int gpu, unsigned int memory (percent). */
  int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

  /** nvmlMemory_t: unsigned long long total, free, used (bytes). */
  int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

  int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference celsius);

  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);
}
