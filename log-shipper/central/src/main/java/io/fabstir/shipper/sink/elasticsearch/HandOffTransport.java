package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Completes async requests on our own executor instead of the HTTP client's I/O thread.
 *
 * <p>Why: when Elasticsearch is down, Apache HttpAsyncClient fails a connection request on its I/O thread while
 * holding its connection-pool lock, and {@code BulkIngester}'s completion handler then waits for the ingester's
 * lock; meanwhile a thread inside {@code BulkIngester.add()} holds that lock and waits for the pool lock to send
 * the next request. Seen here as a real deadlock (ES 8.19 client) during the outage test. Handing the completion
 * to another thread breaks the cycle.
 */
final class HandOffTransport implements ElasticsearchTransport {
    private final ElasticsearchTransport delegate;
    private final Executor completions;

    HandOffTransport(ElasticsearchTransport delegate, Executor completions) {
        this.delegate = delegate;
        this.completions = completions;
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request,
            Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) throws IOException {
        return delegate.performRequest(request, endpoint, options);
    }

    @Override
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(RequestT request,
            Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
        CompletableFuture<ResponseT> out = new CompletableFuture<>();
        delegate.performRequestAsync(request, endpoint, options).whenComplete((response, failure) ->
                completions.execute(() -> {
                    if (failure != null) {
                        out.completeExceptionally(failure);
                    } else {
                        out.complete(response);
                    }
                }));
        return out;
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return delegate.jsonpMapper();
    }

    @Override
    public TransportOptions options() {
        return delegate.options();
    }

    /** The connection belongs to the caller; closing the sink must not close it. */
    @Override
    public void close() {
    }
}
