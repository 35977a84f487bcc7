package io.fabstir.otel.dashboard;

/**
 * The charts' ring buffer: one point per snapshot, the oldest overwritten once full (15 minutes at the default 5 s
 * are 180 points, a few kilobytes). Columns of primitives, so a point costs no object. Written by the sampler
 * thread, read by whoever renders the snapshot: callers hold the dashboard's lock.
 */
final class History {

  private final long[] time;
  private final long[] completed;
  private final long[] failed;
  private final double[] heapPercent;
  private final double[] cpuPercent;
  private final double[] gpuUtilPercent;
  private final double[] gpuMemPercent;
  private int next;
  private int size;

  History(int capacity) {
    time = new long[capacity];
    completed = new long[capacity];
    failed = new long[capacity];
    heapPercent = new double[capacity];
    cpuPercent = new double[capacity];
    gpuUtilPercent = new double[capacity];
    gpuMemPercent = new double[capacity];
  }

  void add(long epochMillis, long completedTotal, long failedTotal, double heap, double cpu, double gpuUtil,
      double gpuMem) {
    int i = next;
    time[i] = epochMillis;
    completed[i] = completedTotal;
    failed[i] = failedTotal;
    heapPercent[i] = heap;
    cpuPercent[i] = cpu;
    gpuUtilPercent[i] = gpuUtil;
    gpuMemPercent[i] = gpuMem;
    next = (i + 1) % time.length;
    size = Math.min(size + 1, time.length);
  }

  int size() {
    return size;
  }

  /** Writes the series as parallel arrays, oldest first; jobs as the number finished in the minute up to a point. */
  void write(Json json) {
    json.beginObject();
    json.name("t").beginArray();
    for (int k = 0; k < size; k++) {
      json.value(time[at(k)]);
    }
    json.endArray();
    perMinute(json, "completedPerMin", completed);
    perMinute(json, "failedPerMin", failed);
    series(json, "heapPercent", heapPercent);
    series(json, "cpuPercent", cpuPercent);
    series(json, "gpuUtilPercent", gpuUtilPercent);
    series(json, "gpuMemPercent", gpuMemPercent);
    json.endObject();
  }

  private void perMinute(Json json, String name, long[] totals) {
    json.name(name).beginArray();
    int from = 0; // oldest point at most a minute before point k (moves forward only)
    for (int k = 0; k < size; k++) {
      long t = time[at(k)];
      while (time[at(from)] < t - 60_000) {
        from++;
      }
      json.value(Math.max(0, totals[at(k)] - totals[at(from)]));
    }
    json.endArray();
  }

  private void series(Json json, String name, double[] values) {
    json.name(name).beginArray();
    for (int k = 0; k < size; k++) {
      json.value(values[at(k)]);
    }
    json.endArray();
  }

  /** Index of the k-th oldest point. */
  private int at(int k) {
    return (next - size + k + time.length) % time.length;
  }
}
