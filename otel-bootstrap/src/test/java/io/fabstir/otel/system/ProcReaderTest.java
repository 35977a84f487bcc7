package io.fabstir.otel.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcReaderTest {

  @TempDir Path proc;

  @Test
  void loadMemoryAndNetworkComeFromTheirProcFiles() {
    assertThat(ProcReader.loadAverage("0.52 1.25 2.00 3/612 12345\n")).containsExactly(0.52, 1.25, 2.0);
    assertThat(ProcReader.memoryUsedPercent("MemTotal:       16000000 kB\nMemFree:  1000 kB\n"
        + "MemAvailable:    4000000 kB\n")).isEqualTo(75.0);
    var net = ProcReader.networkBytes("Inter-|   Receive                                                |  Transmit\n"
        + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        + "    lo: 9999 10 0 0 0 0 0 0 9999 10 0 0 0 0 0 0\n"
        + "  eth0: 123456 100 0 0 0 0 0 0 654321 90 0 0 0 0 0 0\n");
    assertThat(net).containsOnlyKeys("eth0");
    assertThat(net.get("eth0")).containsExactly(123456L, 654321L);
  }

  @Test
  void cpuUseIsTheBusyShareBetweenTwoReadings() {
    ProcReader reader = new ProcReader(proc);
    assertThat(reader.cpuUsedPercent("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n")).isNaN();
    // +100 user, +100 system, +150 idle, +50 iowait: 200 busy of 400
    assertThat(reader.cpuUsedPercent("cpu  200 0 200 850 150 0 0 0 0 0\n")).isEqualTo(50.0);
  }

  @Test
  void diskUseIsReportedPerDataMountAndPseudoFileSystemsAreLeftOut() {
    var disks = ProcReader.diskUsedPercent("/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\n"
        + "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
    assertThat(disks).containsOnlyKeys("/");
    assertThat(disks.get("/")).isBetween(0.0, 100.0);
  }

  @Test
  void aHostWithoutSomeFilesStillReportsTheOthers() throws Exception {
    Files.writeString(proc.resolve("loadavg"), "1.00 2.00 3.00 1/1 1\n");
    SystemSample s = new ProcReader(proc).read();
    assertThat(s.load5()).isEqualTo(2.0);
    assertThat(s.memoryUsedPercent()).isNaN();
    assertThat(s.diskUsedPercentByMount()).isEmpty();
  }
}
