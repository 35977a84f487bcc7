package io.fabstir.shipper.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A process's CPU time, peak RSS and heap in use, read from {@code /proc} and {@code jstat}: for the harnesses. */
public final class ProcStat {
    private ProcStat() {
    }

    /** utime + stime in seconds (USER_HZ = 100); 0 when the process is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code VmHWM} (peak RSS) in MB, or {@code VmRSS} with {@code current}. */
    public static long rssMb(long pid, boolean current) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(current ? "VmRSS:" : "VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
        return 0;
    }

    /** Eden + survivors + old generation in use, from {@code jstat -gc}, in MB. */
    public static long heapUsedMb(long pid) {
        try {
            Process p = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            if (out.size() < 2) {
                return 0;
            }
            String[] h = out.get(0).trim().split("\\s+");
            String[] v = out.get(1).trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < h.length && i < v.length; i++) {
                if (h[i].equals("S0U") || h[i].equals("S1U") || h[i].equals("EU") || h[i].equals("OU")) {
                    kb += Double.parseDouble(v[i]);
                }
            }
            return (long) (kb / 1024);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 0;
        }
    }

    /** Live heap: a full GC ({@code jcmd GC.run}), then {@link #heapUsedMb}. */
    public static long liveHeapMb(long pid) {
        try {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return heapUsedMb(pid);
    }
}
