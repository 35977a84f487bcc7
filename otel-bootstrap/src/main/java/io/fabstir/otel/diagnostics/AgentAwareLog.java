package io.fabstir.otel.diagnostics;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The extension's own few log lines. Under the OpenTelemetry agent they go to the agent's internal logger, as the
 * agent's own do: touching java.util.logging while the JVM boots would initialise the application's LogManager
 * too early (it breaks apps that install their own) and costs start-up time. Without the agent they go to
 * {@link System.Logger}, created on first use.
 */
public final class AgentAwareLog {

  private static final String AGENT_LOGGER = "io.opentelemetry.javaagent.bootstrap.InternalLogger";
  private static final MethodHandle GET_LOGGER;
  private static final MethodHandle LOG;
  private static final Object INFO;
  private static final Object WARN;

  static {
    MethodHandle getLogger = null;
    MethodHandle log = null;
    Object info = null;
    Object warn = null;
    try {
      Class<?> logger = Class.forName(AGENT_LOGGER, false, null); // the agent puts it on the boot class path
      Class<?> level = Class.forName(AGENT_LOGGER + "$Level", false, null);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      getLogger = lookup.findStatic(logger, "getLogger", MethodType.methodType(logger, String.class));
      log = lookup.findVirtual(logger, "log", MethodType.methodType(void.class, level, String.class, Throwable.class));
      info = level.getField("INFO").get(null);
      warn = level.getField("WARN").get(null);
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      getLogger = null; // no agent: System.Logger
    }
    GET_LOGGER = getLogger;
    LOG = log;
    INFO = info;
    WARN = warn;
  }

  private final String name;
  private volatile Object agentLogger;
  private volatile System.Logger systemLogger;

  private AgentAwareLog(String name) {
    this.name = name;
  }

  public static AgentAwareLog get(Class<?> owner) {
    return new AgentAwareLog(owner.getName());
  }

  public void info(String message) {
    log(false, message, null);
  }

  public void warn(String message, Throwable error) {
    log(true, message, error);
  }

  private void log(boolean warning, String message, Throwable error) {
    if (GET_LOGGER != null) {
      try {
        Object logger = agentLogger;
        if (logger == null) {
          logger = GET_LOGGER.invoke(name);
          agentLogger = logger;
        }
        LOG.invoke(logger, warning ? WARN : INFO, message, error);
        return;
      } catch (Throwable t) {
        // fall through to System.Logger
      }
    }
    System.Logger logger = systemLogger;
    if (logger == null) {
      logger = System.getLogger(name);
      systemLogger = logger;
    }
    logger.log(warning ? System.Logger.Level.WARNING : System.Logger.Level.INFO, message, error);
  }
}
