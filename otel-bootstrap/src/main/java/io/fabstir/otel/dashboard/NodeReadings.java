package io.fabstir.otel.dashboard;

import io.fabstir.otel.telemetry.JobTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The application's numbers, read from one metric collection: under the agent the application's telemetry objects
 * live in another class loader, and the metrics it records (bridged into the agent's SDK) are what reaches the
 * extension. The same collection that {@code /metrics} renders, so the page and a scrape agree.
 */
record NodeReadings(
    long activeJobs,
    long completedJobs,
    long failedJobs,
    Map<String, Double> earningsEth,
    Double stakingBalanceEth,
    Double reputation,
    Resource resource) {

  static final String JOBS_PROCESSED = "fabstir_jobs_processed_total";
  static final String ACTIVE_JOBS = "fabstir_active_jobs";
  static final String EARNINGS = "fabstir_earnings_eth_total";
  static final String STAKING = "fabstir_staking_balance_eth";
  static final String REPUTATION = "fabstir_reputation_score";
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final AttributeKey<String> TOKEN = AttributeKey.stringKey("token");

  static NodeReadings from(Collection<MetricData> metrics) {
    long active = 0;
    long completed = 0;
    long failed = 0;
    Map<String, Double> earnings = new TreeMap<>();
    Double staking = null;
    Double reputation = null;
    Resource resource = Resource.empty();
    for (MetricData m : metrics) {
      resource = m.getResource();
      switch (m.getName()) {
        case JOBS_PROCESSED -> {
          for (LongPointData p : m.getLongSumData().getPoints()) {
            // Failed is the one status with a fixed meaning; every other status is a finished job (the
            // "completed" label is being renamed "success"). STATUS_FAILED is a compile-time constant, inlined:
            // the telemetry package itself is not in the extension jar.
            if (JobTelemetry.STATUS_FAILED.equals(p.getAttributes().get(STATUS))) {
              failed += p.getValue();
            } else {
              completed += p.getValue();
            }
          }
        }
        case ACTIVE_JOBS -> {
          for (LongPointData p : m.getLongSumData().getPoints()) {
            active += p.getValue();
          }
        }
        case EARNINGS -> {
          for (DoublePointData p : m.getDoubleSumData().getPoints()) {
            String token = p.getAttributes().get(TOKEN);
            earnings.merge(token == null ? "ETH" : token, p.getValue(), Double::sum);
          }
        }
        case STAKING -> staking = lastGauge(m, staking);
        case REPUTATION -> reputation = lastGauge(m, reputation);
        default -> {}
      }
    }
    return new NodeReadings(active, completed, failed, earnings, staking, reputation, resource);
  }

  private static Double lastGauge(MetricData m, Double current) {
    Double value = current;
    for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
      value = p.getValue();
    }
    return value;
  }

  /** completed / (completed + failed), or NaN before the first finished job. */
  double successRate() {
    long done = completedJobs + failedJobs;
    return done == 0 ? Double.NaN : (double) completedJobs / done;
  }
}
