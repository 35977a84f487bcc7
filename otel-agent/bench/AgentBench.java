import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/**
 * Harness app for run-agent-bench.sh (a benchmark, not a test). "startup": prints the milliseconds from launch
 * to main() and the process CPU milliseconds used by then, and halts. "spans NAME N": starts and ends N spans named NAME through the OpenTelemetry API
 * (bridged by the agent) after a warm-up, and prints nanoseconds per span for each of 5 rounds.
 */
public final class AgentBench {
  public static void main(String[] args) {
    if (args[0].equals("startup")) {
      // Time from process start to main(): what an agent adds to an application's start. halt() skips the
      // shutdown flush, whose length depends on the (absent) collector, not on the agent.
      // bench.t0: launch time in epoch ms, taken by the script just before exec (ProcessHandle's start instant
      // is only as exact as /proc's boot time, whole seconds).
      long startedAt = Long.parseLong(System.getProperty("bench.t0"));
      long wall = System.currentTimeMillis() - startedAt;
      // CPU time of all threads so far (JIT and GC included): the work the agent did, which a loaded machine
      // disturbs far less than wall time.
      long cpu = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
      System.out.println(wall + " " + cpu);
      System.out.flush();
      Runtime.getRuntime().halt(0);
    }
    String name = args[1];
    int n = Integer.parseInt(args[2]);
    Tracer tracer = GlobalOpenTelemetry.getTracer("bench");
    run(tracer, name, n * 2); // warm-up: JIT of the SDK path and of the processors
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      run(tracer, name, n);
      out.append(String.format("%.1f ", (System.nanoTime() - t0) / (double) n));
    }
    System.out.println(out.toString().trim());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static void run(Tracer tracer, String name, int n) {
    for (int i = 0; i < n; i++) {
      Span span = tracer.spanBuilder(name).setAttribute("fabstir.job.model", "m").startSpan();
      span.end();
    }
  }
}
