/** The Kafka producer side of the edge shipper. */
package io.fabstir.shipper.kafka;
