package io.fabstir.shipper.index;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PartitionProgress progress = new PartitionProgress(new TopicPartition("t", 0), inFlight);

    @Test
    void nothingPolledMeansNothingToCommit() {
        assertThat(progress.committable()).isEqualTo(-1);
    }

    @Test
    void whereConsumptionStartedCountsAsCommittedSoAnUnsettledStartIsNotCommitted() {
        progress.register(10);
        assertThat(progress.committable()).isEqualTo(10);
        assertThat(progress.committed).as("nothing to commit until a record settles").isEqualTo(10);
    }

    @Test
    void commitStopsAtTheLowestUnsettledOffset() {
        PartitionProgress.Ticket a = progress.register(10);
        PartitionProgress.Ticket b = progress.register(11);
        PartitionProgress.Ticket c = progress.register(12);
        assertThat(inFlight).hasValue(3);
        c.settle();
        b.settle();
        assertThat(progress.committable()).isEqualTo(10);
        a.settle();
        assertThat(progress.committable()).isEqualTo(13);
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void aFailedRecordHoldsTheCommitAndStopsThePartition() {
        PartitionProgress.Ticket a = progress.register(5);
        progress.register(6).settle();
        a.fail("DLQ refused it");
        assertThat(progress.committable()).isEqualTo(5);
        assertThat(progress.failure).contains("offset 5");
    }

    @Test
    void abandoningARevokedPartitionReleasesItsInFlightRecordsOnce() {
        PartitionProgress.Ticket a = progress.register(1);
        progress.register(2);
        progress.abandon();
        assertThat(inFlight).hasValue(0);
        assertThat(a.abandoned()).isTrue();
        a.settle(); // a late result from the sink changes nothing
        assertThat(inFlight).hasValue(0);
    }
}
