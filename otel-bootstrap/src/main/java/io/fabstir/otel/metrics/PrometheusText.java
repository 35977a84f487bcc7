package io.fabstir.otel.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders OpenTelemetry metric data as Prometheus text format 0.0.4. Names are kept as the instruments spell them
 * (dots and other invalid characters become '_'); monotonic sums whose name lacks {@code _total} get it, as
 * Prometheus expects of counters; exponential histograms and summaries are skipped.
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  public static String write(Collection<MetricData> metrics) {
    // One family per name, even when several scopes report it (e.g. the app's and the extension's health checks).
    Map<String, List<MetricData>> families = new TreeMap<>();
    for (MetricData m : metrics) {
      String name = familyName(m);
      if (name != null) {
        families.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
      }
    }
    StringBuilder out = new StringBuilder(4096);
    for (Map.Entry<String, List<MetricData>> family : families.entrySet()) {
      String name = family.getKey();
      MetricData first = family.getValue().get(0);
      String help = first.getDescription().isBlank() ? first.getName() : first.getDescription();
      out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type(name, first)).append('\n');
      for (MetricData m : family.getValue()) {
        switch (m.getType()) {
          case LONG_GAUGE, LONG_SUM -> {
            for (LongPointData p : longPoints(m)) {
              sample(out, name, p.getAttributes(), null, null, Long.toString(p.getValue()));
            }
          }
          case DOUBLE_GAUGE, DOUBLE_SUM -> {
            for (DoublePointData p : doublePoints(m)) {
              sample(out, name, p.getAttributes(), null, null, number(p.getValue()));
            }
          }
          case HISTOGRAM -> {
            for (HistogramPointData p : m.getHistogramData().getPoints()) {
              histogram(out, name, p);
            }
          }
          default -> {}
        }
      }
    }
    return out.toString();
  }

  private static Collection<LongPointData> longPoints(MetricData m) {
    return m.getType() == MetricDataType.LONG_GAUGE
        ? m.getLongGaugeData().getPoints()
        : m.getLongSumData().getPoints();
  }

  private static Collection<DoublePointData> doublePoints(MetricData m) {
    return m.getType() == MetricDataType.DOUBLE_GAUGE
        ? m.getDoubleGaugeData().getPoints()
        : m.getDoubleSumData().getPoints();
  }

  private static void histogram(StringBuilder out, String name, HistogramPointData p) {
    List<Double> bounds = p.getBoundaries();
    List<Long> counts = p.getCounts();
    long cumulative = 0;
    for (int i = 0; i < counts.size(); i++) {
      cumulative += counts.get(i);
      String le = i < bounds.size() ? number(bounds.get(i)) : "+Inf";
      sample(out, name + "_bucket", p.getAttributes(), "le", le, Long.toString(cumulative));
    }
    sample(out, name + "_sum", p.getAttributes(), null, null, number(p.getSum()));
    sample(out, name + "_count", p.getAttributes(), null, null, Long.toString(p.getCount()));
  }

  private static void sample(
      StringBuilder out, String name, Attributes attributes, String extraKey, String extraValue, String value) {
    out.append(name);
    if (!attributes.isEmpty() || extraKey != null) {
      out.append('{');
      boolean[] first = {true};
      // OpenTelemetry keeps attributes sorted by key, so a series always renders the same way.
      attributes
          .forEach(
              (AttributeKey<?> k, Object v) -> {
                if (!first[0]) {
                  out.append(',');
                }
                first[0] = false;
                out.append(sanitize(k.getKey())).append("=\"").append(escapeValue(String.valueOf(v))).append('"');
              });
      if (extraKey != null) {
        if (!first[0]) {
          out.append(',');
        }
        out.append(extraKey).append("=\"").append(extraValue).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static String familyName(MetricData m) {
    String name = sanitize(m.getName());
    return switch (m.getType()) {
      case LONG_SUM, DOUBLE_SUM -> isMonotonic(m) && !name.endsWith("_total") ? name + "_total" : name;
      case LONG_GAUGE, DOUBLE_GAUGE, HISTOGRAM -> name;
      default -> null;
    };
  }

  private static String type(String name, MetricData m) {
    String type =
        switch (m.getType()) {
          case LONG_SUM, DOUBLE_SUM -> isMonotonic(m) ? "counter" : "gauge";
          case HISTOGRAM -> "histogram";
          default -> "gauge";
        };
    // _count/_sum/_bucket are a histogram's or summary's series; a gauge so named (fabstir_gpu_count,
    // jvm_thread_count) is declared untyped, which Prometheus stores the same way and promtool accepts.
    if (type.equals("gauge") && (name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_bucket"))) {
      return "untyped";
    }
    return type;
  }

  private static boolean isMonotonic(MetricData m) {
    SumData<? extends PointData> sum =
        m.getType() == MetricDataType.LONG_SUM
            ? m.getLongSumData()
            : m.getDoubleSumData();
    return sum.isMonotonic();
  }

  /** Prometheus-safe snake_case: invalid characters become '_', camelCase (queueSize) becomes queue_size. */
  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char prev = i > 0 ? name.charAt(i - 1) : '_';
        if ((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9')) {
          b.append('_');
        }
        b.append((char) (c + ('a' - 'A')));
      } else {
        boolean ok = (c >= 'a' && c <= 'z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
        b.append(ok ? c : '_');
      }
    }
    return b.toString();
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeValue(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
