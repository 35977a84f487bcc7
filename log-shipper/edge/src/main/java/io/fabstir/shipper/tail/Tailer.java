package io.fabstir.shipper.tail;

import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.enrichers.Enricher;
import io.fabstir.shipper.checkpoint.CheckpointStore;
import io.fabstir.shipper.checkpoint.EndedContent;
import io.fabstir.shipper.checkpoint.Fingerprint;
import io.fabstir.shipper.checkpoint.FilePosition;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.watermark.Watermark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the files matched by the configured globs and sends each line, enriched, to a {@link RecordSink}.
 *
 * <p>One reader thread does all file work; the sink's callbacks only mark records acknowledged. A file is known by
 * device + inode plus the fingerprint of its first line, so:
 * <ul>
 *   <li>rename rotation: the old inode stays open and is read to its end, the new file at the path is followed
 *       from 0; a file no glob matches any more (renamed away, deleted) is released once drained, acknowledged and
 *       idle for {@code rotate_grace_ms};</li>
 *   <li>copytruncate: size below the read position, or a changed fingerprint, restarts the file at 0; the copy,
 *       when a glob matches it too, is recognised by the old content's fingerprint and continues where reading of
 *       the old content stopped, under that content's identity (so records without an event.id of their own get
 *       the same derived ids, and nothing already sent is sent again). A new file that starts like a file being
 *       followed may be such a copy made before the truncation: it waits up to 5 s for the truncation to show.
 *       The checkpoint records a content (inode, first line) before any of its lines is sent, and keeps truncated
 *       content until its copy turns up, so a copy made while the shipper is down continues it too;</li>
 *   <li>inode reuse: a checkpoint whose fingerprint no longer matches is for another file, so reading starts at 0.</li>
 * </ul>
 * The checkpoint holds per file the offset before which every record has been acknowledged, so a crash re-sends
 * (same derived event ids), never skips. While more than {@code max_inflight_bytes} await acknowledgement, reading
 * pauses; failed sends are retried with backoff.
 */
public final class Tailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tailer.class);
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int CHUNKS_PER_FILE_PER_ROUND = 16;
    private static final long FINGERPRINT_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record FileKey(long dev, long ino) {
    }

    private static final long COPY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EdgeConfig config;
    private final Sender sender;
    private final RecordShaper shaper;
    private final ShipperMetrics metrics;
    private final CheckpointStore checkpoints;
    private final List<Glob> globs = new ArrayList<>();
    private final Map<FileKey, TrackedFile> files = new LinkedHashMap<>();
    private final Map<FileKey, FilePosition> saved = new HashMap<>();
    private final EndedContents ended = new EndedContents();
    /** New files that start like a followed file, waiting to see whether that one gets truncated; since when. */
    private final Map<FileKey, Long> deferred = new HashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    /** A reload asked for by another thread (SIGHUP), applied by the reader thread between rounds. */
    private final java.util.concurrent.atomic.AtomicReference<Reload> reload =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean stopping;
    private volatile boolean started;
    private boolean firstScan = true;
    private boolean pausedForInflight;

    private Tailer(EdgeConfig config, Enricher enricher, RecordSink sink, ShipperMetrics metrics) {
        this.config = config;
        this.sender = new Sender(sink, metrics);
        this.shaper = new RecordShaper(enricher, metrics, config.maxRecordBytes());
        this.metrics = metrics;
        this.checkpoints = new CheckpointStore(config.checkpointFile());
        for (String p : config.paths()) {
            globs.add(new Glob(p));
        }
    }

    public static Tailer create(EdgeConfig config, Enricher enricher, RecordSink sink, ShipperMetrics metrics) {
        return new Tailer(config, enricher, sink, metrics);
    }

    /** Runs until {@link #stop()}; then waits up to {@code shutdown_timeout} for acks and writes the checkpoint. */
    public void run() throws IOException {
        started = true;
        try {
            for (FilePosition p : checkpoints.load()) {
                saved.put(new FileKey(p.device(), p.inode()), p);
            }
            for (EndedContent e : checkpoints.ended()) {
                ended.remember(e.identity(), e.fingerprint(), e.offset(), new Watermark<>(e.offset()));
            }
            LOG.info("tailing {} (checkpoint {}, {} saved positions)", config.paths(), checkpoints.file(), saved.size());
            long nextScan = 0;
            long nextCheckpoint = System.nanoTime() + config.checkpointInterval().toNanos();
            while (!stopping) {
                long now = System.nanoTime();
                if (applyReload()) {
                    nextScan = now;
                }
                if (now - nextScan >= 0) {
                    scan();
                    nextScan = now + config.scanInterval().toNanos();
                }
                sender.resendFailed(now);
                boolean progressed = readRound();
                releaseDrained();
                if (now - nextCheckpoint >= 0) {
                    writeCheckpoint();
                    nextCheckpoint = now + config.checkpointInterval().toNanos();
                }
                if (!progressed) {
                    sleep(config.pollInterval().toMillis());
                }
            }
            shutdown();
        } finally {
            for (TrackedFile f : files.values()) {
                f.closeQuietly();
            }
            finished.countDown();
        }
    }

    /** New paths and a new enricher (static fields, redaction rules) to switch to. */
    private record Reload(List<String> paths, Enricher enricher) {
    }

    /**
     * Switches to new globs and a new enricher; safe from any thread (the SIGHUP handler). The reader thread applies
     * it between two rounds, so every line is shaped by the old enricher or the new one, never lost or sent twice:
     * files still matched keep their read position; a file no glob matches any more is read to its end and
     * released, as after a rotation; a newly matched file is read from its start (or its checkpoint).
     */
    public void reload(List<String> paths, Enricher enricher) {
        reload.set(new Reload(List.copyOf(paths), enricher));
    }

    private boolean applyReload() {
        Reload r = reload.getAndSet(null);
        if (r == null) {
            return false;
        }
        globs.clear();
        for (String p : r.paths()) {
            globs.add(new Glob(p));
        }
        shaper.enricher(r.enricher());
        LOG.info("reloaded: following {}; new static fields and redaction rules apply from the next line", r.paths());
        return true;
    }

    /** Asks {@link #run()} to finish; safe from any thread (e.g. a shutdown hook). */
    public void stop() {
        stopping = true;
    }

    /** Waits for {@link #run()} to return after {@link #stop()}. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return !started || finished.await(timeout, unit);
    }

    @Override
    public void close() {
        stop();
    }

    /** Bytes sent and not yet acknowledged. */
    public long inflightBytes() {
        return sender.inflightBytes();
    }

    private void shutdown() throws IOException {
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        for (TrackedFile f : files.values()) {
            f.flushMultiline();
        }
        while (sender.inflightRecords() > 0 && System.nanoTime() - deadline < 0) {
            sender.resendFailed(System.nanoTime());
            sleep(20);
        }
        if (sender.inflightRecords() > 0) {
            LOG.warn("stopping with {} records not acknowledged by Kafka; they are re-sent at the next start",
                    sender.inflightRecords());
        }
        writeCheckpoint();
        LOG.info("stopped; checkpoint written to {}", checkpoints.file());
    }

    // ---- discovery -------------------------------------------------------------------------------------------

    private void scan() {
        Map<FileKey, Path> found = new LinkedHashMap<>();
        for (Glob g : globs) {
            for (Path p : g.matches()) {
                FileKey k = key(p);
                if (k != null) {
                    found.putIfAbsent(k, p);
                }
            }
        }
        for (TrackedFile f : files.values()) {
            Path p = found.remove(f.key);
            if (p != null) {
                f.path = p;
                if (f.orphan) {
                    f.orphan = false;
                }
            } else if (!f.orphan) {
                f.orphan = true;
                f.orphanSince = System.nanoTime();
                LOG.info("{} was rotated away or deleted; reading it to its end", f.path);
            }
        }
        deferred.keySet().retainAll(found.keySet());
        List<Map.Entry<FileKey, Path>> fresh = new ArrayList<>(found.entrySet());
        // Files with a checkpoint first: one may turn out truncated, and a copy of it among the others continues it.
        fresh.sort(Comparator.comparing((Map.Entry<FileKey, Path> e) -> !saved.containsKey(e.getKey())));
        for (Map.Entry<FileKey, Path> e : fresh) {
            track(e.getKey(), e.getValue(), false);
        }
        if (firstScan) {
            firstScan = false;
            // Positions of files no glob matches any more: a rotation while stopped. Finish them if still there.
            for (FilePosition p : new ArrayList<>(saved.values())) {
                FileKey k = new FileKey(p.device(), p.inode());
                if (!files.containsKey(k) && p.path() != null) {
                    Path moved = findInode(Path.of(p.path()).getParent(), k);
                    if (moved != null) {
                        track(k, moved, true);
                    }
                }
            }
            saved.clear();
        }
    }

    private void track(FileKey k, Path path, boolean orphan) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            if (!k.equals(key(path))) {
                ch.close();
                return; // replaced between stat and open; the next scan sees the new one
            }
        } catch (IOException e) {
            if (!(e instanceof NoSuchFileException)) {
                LOG.warn("cannot open {}: {}", path, LogExcerpt.of(e));
                metrics.error("read");
            }
            return;
        }
        try {
            long size = ch.size();
            FilePosition pos = saved.get(k);
            long start = 0;
            String identity = null;
            EndedContents.Ended copied = null;
            if (pos != null && pos.fingerprint().matches(ch) && size >= pos.offset()) {
                start = pos.offset();
                identity = pos.origin();
            } else {
                if (pos != null) {
                    LOG.info("{}: checkpoint is for other content (truncated or inode reused); reading from 0", path);
                    ended.remember(pos.identity(), pos.fingerprint(), pos.offset(), new Watermark<>(pos.offset()));
                }
                Fingerprint fp = Fingerprint.of(ch);
                copied = fp.complete(ch) ? ended.take(fp) : null;
                if (copied != null) {
                    start = Math.min(copied.position(), size);
                    identity = copied.identity();
                    LOG.info("{} is a copy of content read up to byte {} before it was truncated; continuing there",
                            path, copied.position());
                } else if (fp.complete(ch) && startsLikeAFollowedFile(k, fp)) {
                    Long since = deferred.putIfAbsent(k, System.nanoTime());
                    if (since == null || System.nanoTime() - since < COPY_GRACE_NANOS) {
                        ch.close();
                        return; // maybe a copytruncate copy, made before the truncation shows: look again next scan
                    }
                } else if (pos == null && firstScan && config.readFrom() == EdgeConfig.ReadFrom.END) {
                    start = size;
                }
            }
            deferred.remove(k);
            if (orphan && start >= size) {
                ch.close();
                return;
            }
            TrackedFile f = new TrackedFile(k, path, ch, start, identity, copied == null ? null : copied.acks());
            f.orphan = orphan;
            f.orphanSince = System.nanoTime();
            files.put(k, f);
            LOG.info("following {} from byte {}", path, start);
        } catch (IOException e) {
            LOG.warn("cannot start reading {}: {}", path, LogExcerpt.of(e));
            metrics.error("read");
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private boolean startsLikeAFollowedFile(FileKey k, Fingerprint fp) {
        for (TrackedFile f : files.values()) {
            if (!f.key.equals(k) && f.fingerprintComplete && f.fingerprint.equals(fp)) {
                return true;
            }
        }
        return false;
    }

    private static FileKey key(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino");
            return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Path findInode(Path dir, FileKey k) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && k.equals(key(p))) {
                    return p;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    private boolean readRound() {
        boolean progressed = false;
        List<TrackedFile> order = new ArrayList<>(files.values());
        order.sort(Comparator.comparing((TrackedFile f) -> !f.orphan)); // drain rotated files first
        for (TrackedFile f : order) {
            try {
                progressed |= f.read();
            } catch (IOException e) {
                LOG.warn("reading {} failed: {}", f.path, LogExcerpt.of(e));
                metrics.error("read");
            }
        }
        return progressed;
    }

    private boolean overInflightCap() {
        // Records waiting for a re-send also pause reading: Kafka is refusing, so new lines would only pile up.
        boolean over = sender.inflightBytes() >= config.maxInflightBytes() || sender.refusing();
        if (over != pausedForInflight) {
            pausedForInflight = over;
            if (over) {
                LOG.info("{} bytes await Kafka's acknowledgement; reading paused", sender.inflightBytes());
            } else {
                LOG.info("reading resumed");
            }
        }
        return over;
    }

    private void releaseDrained() {
        long now = System.nanoTime();
        for (var it = files.values().iterator(); it.hasNext(); ) {
            TrackedFile f = it.next();
            if (!f.orphan || now - f.lastDataNanos < config.rotateGrace().toNanos()
                    || now - f.orphanSince < config.rotateGrace().toNanos()) {
                continue;
            }
            try {
                if (f.reader.position() < f.ch.size()) {
                    continue;
                }
                if (f.reader.hasPartial() || (f.multiline != null && f.multiline.pending())) {
                    f.flushPartial();
                    continue;
                }
            } catch (IOException e) {
                LOG.warn("{}: {}", f.path, LogExcerpt.of(e));
            }
            if (f.acks.idle()) {
                LOG.info("released {} (fully read and acknowledged)", f.path);
                metrics.forgetFile(f.path.toString());
                f.closeQuietly();
                it.remove();
            }
        }
    }

    private void writeCheckpoint() {
        List<FilePosition> positions = new ArrayList<>();
        List<TrackedFile> known = new ArrayList<>();
        for (TrackedFile f : files.values()) {
            if (f.fingerprintComplete) {
                known.add(f);
            }
            positions.add(new FilePosition(f.key.dev(), f.key.ino(), f.fingerprint, f.acks.position(), f.path.toString(),
                    f.origin));
            try {
                metrics.fileLag(f.path.toString(), Math.max(0, f.ch.size() - f.acks.position()));
            } catch (IOException ignored) {
                // closed meanwhile
            }
        }
        try {
            checkpoints.save(positions, ended.checkpoint());
        } catch (IOException e) {
            metrics.error("checkpoint");
            LOG.error("cannot write checkpoint {}: {}", checkpoints.file(), LogExcerpt.of(e));
        }
        // Also after a failed write: with the disk full, sending must go on; the next write that works records them.
        known.forEach(f -> f.recorded = true);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- one file --------------------------------------------------------------------------------------------

    private final class TrackedFile {
        final FileKey key;
        final FileChannel ch;
        Path path;
        boolean orphan;
        long orphanSince;
        long lastDataNanos = System.nanoTime();
        long lastFingerprintCheck = System.nanoTime();
        Fingerprint fingerprint;
        boolean fingerprintComplete;
        /** Whether a checkpoint written since this content's first line was complete knows this content. */
        boolean recorded;
        String identity;
        /** The identity of the content this file is a copy of, when it is one; else null. */
        String origin;
        Watermark<InFlight> acks;
        LineReader reader;
        Multiline multiline;

        TrackedFile(FileKey key, Path path, FileChannel ch, long start, String origin, Watermark<InFlight> continued)
                throws IOException {
            this.key = key;
            this.path = path;
            this.ch = ch;
            restart(start, origin, continued);
        }

        /**
         * A new generation of content: fresh reader and ack tracker (the old content's tracker lives on in its
         * {@link Ended} entry). {@code origin} and {@code continued}: the identity and tracker of the content this
         * file is a copy of, or null for its own.
         */
        void restart(long start, String origin, Watermark<InFlight> continued) throws IOException {
            fingerprint = Fingerprint.of(ch);
            fingerprintComplete = fingerprint.complete(ch);
            this.origin = origin;
            identity = origin != null ? origin : key.dev() + ":" + key.ino() + ":" + fingerprint.hash();
            acks = continued != null ? continued : new Watermark<>(start);
            recorded = false;
            reader = new LineReader(start, config.maxLineBytes(), CHUNK_BYTES);
            multiline = config.multilinePattern() == null ? null
                    : new Multiline(config.multilinePattern(), config.multilineMaxLines(), config.maxLineBytes());
        }

        boolean read() throws IOException {
            long size = ch.size();
            long now = System.nanoTime();
            if (size < reader.position()) {
                LOG.info("{} shrank from {} to {} bytes (copytruncate); reading from 0", path, reader.position(), size);
                metrics.error("truncated_file");
                endContent();
                restart(0, null, null);
            } else if (now - lastFingerprintCheck > FINGERPRINT_CHECK_NANOS) {
                lastFingerprintCheck = now;
                if (fingerprintComplete && !fingerprint.matches(ch)) {
                    LOG.info("{} was rewritten in place (first line changed); reading from 0", path);
                    metrics.error("truncated_file");
                    endContent();
                    restart(0, null, null);
                    size = ch.size();
                }
            }
            if (multiline != null) {
                multiline.flushIfQuiet(config.multilineTimeout().toNanos(), this::emitEvent);
            }
            if (size == reader.position()) {
                return false;
            }
            if (!fingerprintComplete) {
                // Taken before reading, from bytes that exist now, so ids derived from it never change.
                fingerprint = Fingerprint.of(ch);
                fingerprintComplete = fingerprint.complete(ch);
                if (origin == null) {
                    identity = key.dev() + ":" + key.ino() + ":" + fingerprint.hash();
                }
            }
            if (!recorded && fingerprintComplete) {
                // Before any line of new content goes out, the checkpoint must know the content (inode, first line):
                // if it is copytruncated while the shipper is down, that is how its copy is found to continue it
                // under the identity its lines were sent with.
                writeCheckpoint();
            }
            boolean progressed = false;
            for (int i = 0; i < CHUNKS_PER_FILE_PER_ROUND && !stopping; i++) {
                if (overInflightCap()) {
                    break;
                }
                // Checked after each read: content written after a truncation must not pass for the old one's rest.
                int n = reader.readChunk(ch, size, this::onLine, () -> fingerprint.matches(ch));
                if (n < 0) {
                    LOG.info("{} was truncated and written again while being read; reading from 0", path);
                    metrics.error("truncated_file");
                    endContent();
                    restart(0, null, null);
                    return true;
                }
                if (n <= 0) {
                    break;
                }
                progressed = true;
                lastDataNanos = System.nanoTime();
            }
            return progressed;
        }

        /**
         * The content is gone from this inode: remember where its reading stopped (before a held partial line or a
         * pending multiline event, which were not sent), so that a copy of it can continue there.
         */
        void endContent() {
            if (fingerprintComplete) {
                long stop = reader.emittedPosition();
                if (multiline != null && multiline.pending()) {
                    stop = Math.min(stop, multiline.pendingStart());
                }
                ended.remember(identity, fingerprint, stop, acks);
            }
        }

        void onLine(long start, long end, byte[] b, int off, int len, long full) throws IOException {
            metrics.linesRead(1);
            if (multiline != null) {
                multiline.offer(start, end, b, off, len, full, this::emitEvent);
            } else {
                emit(start, end, b, off, len, full);
            }
        }

        void emitEvent(long start, long end, byte[] b, int len, long full) {
            emit(start, end, b, 0, len, full);
        }

        void emit(long start, long end, byte[] b, int off, int len, long full) {
            byte[] value = shaper.shape(b, off, len, full, path.toString(), start, identity);
            sender.send(acks.register(new InFlight(acks, end, value)));
        }

        void flushPartial() throws IOException {
            reader.flushPartial(this::onLine);
            if (multiline != null) {
                multiline.flush(this::emitEvent);
            }
        }

        void flushMultiline() throws IOException {
            if (multiline != null) {
                multiline.flush(this::emitEvent);
            }
        }

        void closeQuietly() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // releasing anyway
            }
        }
    }
}
