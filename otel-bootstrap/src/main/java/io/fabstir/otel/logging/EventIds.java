package io.fabstir.otel.logging;

import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562) event ids written straight into the output buffer. Per-thread state: the 12-bit rand_a field
 * is a counter seeded randomly each millisecond, so ids made by one thread are strictly increasing even within a
 * millisecond; the 62 random bits of rand_b (ThreadLocalRandom: fast, no SecureRandom per record) keep ids made
 * by different threads and hosts apart.
 */
final class EventIds {

    private long lastMillis = Long.MIN_VALUE;
    private int counter;

    void write(JsonBuffer out, long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (epochMillis > lastMillis) {
            lastMillis = epochMillis;
            counter = random.nextInt(1 << 11); // leaves at least 2048 steps before the 12-bit field overflows
        } else if (++counter > 0xFFF) {
            lastMillis++; // counter exhausted or clock went back: borrow the next millisecond, stay monotonic
            counter = 0;
        }
        long msb = (lastMillis << 16) | 0x7000L | counter;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        out.hex(msb >>> 32, 8);
        out.raw((byte) '-');
        out.hex(msb >>> 16, 4);
        out.raw((byte) '-');
        out.hex(msb, 4);
        out.raw((byte) '-');
        out.hex(lsb >>> 48, 4);
        out.raw((byte) '-');
        out.hex(lsb, 12);
    }
}
