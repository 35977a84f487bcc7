package io.fabstir.chain.monitor;

import io.fabstir.shipper.logging.OwnLogRedaction;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * The JSON-RPC connection: web3j over HTTP, counting the calls (RPC calls per block is a measured figure). An RPC
 * provider's URL carries its key (in the path, the query or the userinfo), so the URL is shown only as
 * {@link #shownUrl()}, in log lines and {@code /health} alike.
 */
public final class Rpc {
    private final CountingService service;
    private final Web3j web3j;
    private final String shownUrl;

    private Rpc(String url, java.time.Duration timeout) {
        OkHttpClient http = HttpService.getOkHttpClientBuilder()
                .connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout).build();
        service = new CountingService(url, http);
        web3j = Web3j.build(service);
        shownUrl = OwnLogRedaction.knownUrl(url);
    }

    public static Rpc connect(String url) {
        return connect(url, java.time.Duration.ofSeconds(10));
    }

    public static Rpc connect(String url, java.time.Duration timeout) {
        return new Rpc(url, timeout);
    }

    public Web3j web3j() {
        return web3j;
    }

    /** The URL as configured, key and all: for connecting, never for showing. */
    public String url() {
        return service.getUrl();
    }

    /** The URL without its credentials ({@code Redactor.redactUrl}): for log lines and {@code /health}. */
    public String shownUrl() {
        return shownUrl;
    }

    /** {@code text} (an error from the RPC client) with the URL shown as {@link #shownUrl()} and redacted. */
    public String shown(String text) {
        return text == null ? null : OwnLogRedaction.text(text.replace(url(), shownUrl));
    }

    /** JSON-RPC requests sent so far. */
    public long calls() {
        return service.calls.get();
    }

    public void close() {
        web3j.shutdown();
    }

    /** A method web3j has no wrapper for (e.g. {@code anvil_mine}); returns its raw result. */
    public Object raw(String method, java.util.List<?> params) throws IOException {
        RawResponse r = new Request<>(method, params, service, RawResponse.class).send();
        if (r.hasError()) throw new IOException(method + ": RPC error " + r.getError().getMessage());
        return r.getResult();
    }

    /** Any JSON result, as Jackson reads it. */
    public static final class RawResponse extends Response<Object> {}

    /** Sends the request; an error answer or a missing result becomes an IOException naming the method. */
    public static <T extends Response<?>> T send(Request<?, T> request) throws IOException {
        T r;
        try {
            r = request.send();
        } catch (RuntimeException e) {
            // web3j throws unchecked exceptions for answers it cannot parse (garbage, HTML error pages).
            throw new IOException(request.getMethod() + ": unreadable answer: " + e.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(request.getMethod() + ": answer is not JSON-RPC: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IOException(request.getMethod() + ": " + e.getMessage(), e);
        }
        if (r == null) throw new IOException(request.getMethod() + ": no answer");
        if (r.hasError()) {
            throw new IOException(request.getMethod() + ": RPC error " + r.getError().getCode() + " "
                    + r.getError().getMessage());
        }
        if (r.getResult() == null) throw new IOException(request.getMethod() + ": answer without a result");
        return r;
    }

    private static final class CountingService extends HttpService {
        final AtomicLong calls = new AtomicLong();

        CountingService(String url, OkHttpClient client) {
            super(url, client);
        }

        @Override
        public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
            calls.incrementAndGet();
            return super.send(request, responseType);
        }
    }
}
