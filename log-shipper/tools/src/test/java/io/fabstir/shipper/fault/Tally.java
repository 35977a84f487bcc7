package io.fabstir.shipper.fault;

import java.util.List;
import java.util.Map;

/**
 * Where the written records ended up, counted by token: {@code indexed} (in a daily index), {@code inDlq} (only in
 * the dead-letter store, with a reason), {@code missing} (nowhere), {@code duplicated} (stored more than once
 * anywhere: twice in one index is impossible by {@code _id}, so this means two daily indices, two DLQ documents, or
 * an index and the DLQ), {@code unexpected} (found but never written: a bookkeeping error of the suite itself), and
 * dead letters without a reason.
 *
 * @param missingSample    up to 10 missing tokens
 * @param duplicateSample  up to 10 duplicated tokens with where each copy is (index/_id)
 */
record Tally(String sink, int written, int indexed, int inDlq, int missing, int duplicated, int unexpected,
             int dlqWithoutReason, long documents, List<String> missingSample,
             Map<String, List<String>> duplicateSample) {

    /** The invariant: every written record stored exactly once, or dead-lettered once with a reason. */
    boolean held() {
        return written > 0 && missing == 0 && duplicated == 0 && unexpected == 0 && dlqWithoutReason == 0;
    }

    String describe() {
        return sink + ": written " + written + ", indexed " + indexed + ", in DLQ " + inDlq + ", missing " + missing
                + (missing > 0 ? " e.g. " + missingSample : "") + ", duplicated " + duplicated
                + (duplicated > 0 ? " e.g. " + duplicateSample : "") + ", unexpected " + unexpected
                + ", dead letters without reason " + dlqWithoutReason + " (" + documents + " documents)";
    }
}
