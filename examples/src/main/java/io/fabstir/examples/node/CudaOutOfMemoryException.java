package io.fabstir.examples.node;

/** What a GPU job dies of most often in real life, so error.type has something recognisable to filter on. */
final class CudaOutOfMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaOutOfMemoryException(String message) {
        super(message);
    }
}
