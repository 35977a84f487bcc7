package io.fabstir.shipper.sink.loki;

/** Wire format of pushes to Loki's {@code /loki/api/v1/push}. */
public enum PushFormat {
    /** Snappy-compressed protobuf {@code PushRequest}, Loki's native and most compact form (the default). */
    PROTOBUF,
    /** The JSON form of the push API. */
    JSON
}
