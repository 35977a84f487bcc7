package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Hooks for the economic and network gauges the application knows and the agent cannot:
 * {@code fabstir_earnings_eth_total{token}}, {@code fabstir_staking_balance_eth}, {@code fabstir_peers_connected},
 * {@code fabstir_reputation_score}, {@code fabstir_gas_price_gwei}. Each supplier is read when metrics are collected;
 * setting one again replaces it.
 */
public final class NodeGauges {

  private static final AttributeKey<String> TOKEN = AttributeKey.stringKey("token");

  private final Map<String, DoubleSupplier> earnings = new ConcurrentHashMap<>();
  private volatile DoubleSupplier stakingBalance;
  private volatile LongSupplier peers;
  private volatile DoubleSupplier reputation;
  private volatile DoubleSupplier gasPrice;

  NodeGauges(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter("io.fabstir.otel.node");
    meter
        .counterBuilder("fabstir_earnings_eth_total")
        .ofDoubles()
        .setDescription("Total earnings in ETH, by token.")
        .setUnit("")
        .buildWithCallback(m -> earnings.forEach((token, s) -> m.record(s.getAsDouble(), Attributes.of(TOKEN, token))));
    meter
        .gaugeBuilder("fabstir_staking_balance_eth")
        .setDescription("Staked balance in ETH.")
        .setUnit("")
        .buildWithCallback(m -> { DoubleSupplier s = stakingBalance; if (s != null) m.record(s.getAsDouble()); });
    meter
        .gaugeBuilder("fabstir_peers_connected")
        .ofLongs()
        .setDescription("Connected peers.")
        .setUnit("")
        .buildWithCallback(m -> { LongSupplier s = peers; if (s != null) m.record(s.getAsLong()); });
    meter
        .gaugeBuilder("fabstir_reputation_score")
        .setDescription("The node's reputation score.")
        .setUnit("")
        .buildWithCallback(m -> { DoubleSupplier s = reputation; if (s != null) m.record(s.getAsDouble()); });
    meter
        .gaugeBuilder("fabstir_gas_price_gwei")
        .setDescription("Current gas price in gwei.")
        .setUnit("")
        .buildWithCallback(m -> { DoubleSupplier s = gasPrice; if (s != null) m.record(s.getAsDouble()); });
  }

  /** Total earned so far in {@code token} (monotonic). */
  public NodeGauges earningsEth(String token, DoubleSupplier total) {
    earnings.put(token, total);
    return this;
  }

  public NodeGauges stakingBalanceEth(DoubleSupplier balance) {
    this.stakingBalance = balance;
    return this;
  }

  public NodeGauges peersConnected(LongSupplier count) {
    this.peers = count;
    return this;
  }

  public NodeGauges reputationScore(DoubleSupplier score) {
    this.reputation = score;
    return this;
  }

  public NodeGauges gasPriceGwei(DoubleSupplier price) {
    this.gasPrice = price;
    return this;
  }
}
