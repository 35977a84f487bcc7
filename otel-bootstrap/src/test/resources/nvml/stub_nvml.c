/*
 * A stand-in for libnvidia-ml.so with fixed readings, for tests on machines without an NVIDIA GPU.
 * Same symbols and signatures as nvml.h, so the Java side goes through the real JNA path.
 * Two devices; readings below are what the tests expect. Compile with -DSTUB_<QUERY>_RC_<device>=<code> to make one
 * query of one device return an NVML error instead, e.g. -DSTUB_POWER_RC_1=3 (NVML_ERROR_NOT_SUPPORTED).
 */
#include <string.h>

typedef int nvmlReturn_t;
typedef struct { int index; } device_t;
typedef device_t *nvmlDevice_t;
typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_INSUFFICIENT_SIZE 7

#ifndef STUB_UTILIZATION_RC_0
#define STUB_UTILIZATION_RC_0 NVML_SUCCESS
#endif
#ifndef STUB_UTILIZATION_RC_1
#define STUB_UTILIZATION_RC_1 NVML_SUCCESS
#endif
#ifndef STUB_TEMPERATURE_RC_0
#define STUB_TEMPERATURE_RC_0 NVML_SUCCESS
#endif
#ifndef STUB_TEMPERATURE_RC_1
#define STUB_TEMPERATURE_RC_1 NVML_SUCCESS
#endif
#ifndef STUB_POWER_RC_0
#define STUB_POWER_RC_0 NVML_SUCCESS
#endif
#ifndef STUB_POWER_RC_1
#define STUB_POWER_RC_1 NVML_SUCCESS
#endif
static const nvmlReturn_t utilization_rc[2] = {STUB_UTILIZATION_RC_0, STUB_UTILIZATION_RC_1};
static const nvmlReturn_t temperature_rc[2] = {STUB_TEMPERATURE_RC_0, STUB_TEMPERATURE_RC_1};
static const nvmlReturn_t power_rc[2] = {STUB_POWER_RC_0, STUB_POWER_RC_1};

static device_t devices[2] = {{0}, {1}};
static int initialised = 0;

static const char *names[2] = {"Fabstir Stub GPU A100", "Fabstir Stub GPU L4"};
static const char *uuids[2] = {"GPU-fab57100-0000-4000-8000-000000000000", "GPU-fab57100-0000-4000-8000-000000000001"};
static const unsigned int util[2] = {42, 17};
static const unsigned long long mem_total[2] = {42949672960ULL, 24159191040ULL}; /* 40 GiB, 22.5 GiB */
static const unsigned long long mem_used[2] = {8589934592ULL, 1073741824ULL};    /* 8 GiB, 1 GiB */
static const unsigned int temp[2] = {61, 55};
static const unsigned int power_mw[2] = {215000, 72500};

nvmlReturn_t nvmlInit_v2(void) { initialised = 1; return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { initialised = 0; return NVML_SUCCESS; }

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  *count = 2;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  if (index > 1) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &devices[index];
  return NVML_SUCCESS;
}

static nvmlReturn_t copy(const char *s, char *out, unsigned int length) {
  if (strlen(s) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  strcpy(out, s);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) { return copy(names[d->index], name, length); }
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) { return copy(uuids[d->index], uuid, length); }

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
  if (utilization_rc[d->index] != NVML_SUCCESS) return utilization_rc[d->index];
  u->gpu = util[d->index];
  u->memory = util[d->index] / 2;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
  m->total = mem_total[d->index];
  m->used = mem_used[d->index];
  m->free = m->total - m->used;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t) {
  if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (temperature_rc[d->index] != NVML_SUCCESS) return temperature_rc[d->index];
  *t = temp[d->index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) {
  if (power_rc[d->index] != NVML_SUCCESS) return power_rc[d->index];
  *mw = power_mw[d->index];
  return NVML_SUCCESS;
}
