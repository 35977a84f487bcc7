package io.fabstir.examples.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local stand-ins for the four channels, each speaking its service's real wire protocol, so Alertmanager's own
 * notifiers talk to them unchanged: a Discord webhook ({@code POST /api/webhooks/{id}/{token}}, JSON with
 * {@code embeds}, 204), the PagerDuty Events API v2 ({@code POST /v2/enqueue}, 202 with {@code dedup_key}), the
 * Telegram Bot API ({@code POST /bot{token}/sendMessage}, {@code {"ok":true,"result":Message}}) and SMTP (EHLO,
 * AUTH PLAIN, MAIL, RCPT, DATA, QUIT). A request that lacks the channel's secret or shape is answered as the service
 * would (401/400) and recorded as a protocol error, which the test asserts to be empty.
 */
final class ChannelReceivers implements AutoCloseable {
    static final String DISCORD_ID = "1180000000000000001";
    static final String DISCORD_TOKEN = "discord-webhook-token-for-tests";
    static final String PAGERDUTY_KEY = "R0UTINGKEYF0RTESTS0000000000000";
    static final String TELEGRAM_TOKEN = "123456789:telegram-bot-token-for-tests";
    static final String SMTP_PASSWORD = "smtp-password-for-tests";
    /** What Alertmanager sends to the alert bridge, which refuses notifications without it. */
    static final String BRIDGE_TOKEN = "alert-bridge-token-for-tests";
    static final long TELEGRAM_CHAT = -1001234567890L;

    /** One notification as a channel received it. Title is the line that names severity, alert and status. */
    record Notification(String channel, String severity, String alertname, String status, long atMillis,
                        String title, String body) {
    }

    // "[CRITICAL] FabstirNodeDown firing" (the shipped templates all start this way)
    private static final Pattern TITLE = Pattern.compile("\\[(\\w+)] (\\w+)(?::| (firing|resolved))");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService httpPool = Executors.newFixedThreadPool(2);
    private final ServerSocket smtp;
    private final Thread smtpThread;
    final List<Notification> received = new CopyOnWriteArrayList<>();
    final List<String> protocolErrors = new CopyOnWriteArrayList<>();

    ChannelReceivers() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
        http.setExecutor(httpPool);
        http.createContext("/api/webhooks/", this::discord);
        http.createContext("/v2/enqueue", this::pagerDuty);
        http.createContext("/bot", this::telegram);
        http.start();
        smtp = new ServerSocket(0, 16, loopback);
        smtpThread = new Thread(this::smtpLoop, "smtp-receiver");
        smtpThread.setDaemon(true);
        smtpThread.start();
    }

    String httpBase() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String discordWebhookUrl() {
        return httpBase() + "/api/webhooks/" + DISCORD_ID + "/" + DISCORD_TOKEN;
    }

    String smtpHostPort() {
        return "127.0.0.1:" + smtp.getLocalPort();
    }

    List<Notification> firing(String channel, String alertname) {
        return received.stream().filter(n -> n.channel().equals(channel) && n.alertname().equals(alertname)
                && n.status().equals("firing")).toList();
    }

    List<String> channelsOf(String alertname) {
        return received.stream().filter(n -> n.alertname().equals(alertname)).map(Notification::channel)
                .distinct().sorted().toList();
    }

    private void discord(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/api/webhooks/" + DISCORD_ID + "/" + DISCORD_TOKEN)) {
            reply(ex, 401, "{\"message\": \"Invalid Webhook Token\", \"code\": 50027}");
            protocolErrors.add("discord: wrong webhook " + path);
            return;
        }
        JsonNode body = json(ex);
        JsonNode embed = body == null ? null : body.path("embeds").path(0);
        if (embed == null || !embed.path("title").isTextual() || !embed.path("color").canConvertToInt()) {
            reply(ex, 400, "{\"message\": \"Invalid Form Body\", \"code\": 50035}");
            protocolErrors.add("discord: not a webhook message with an embed: " + body);
            return;
        }
        record("discord", embed.path("title").asText(), body.toString());
        reply(ex, 204, null);
    }

    private void pagerDuty(HttpExchange ex) throws IOException {
        JsonNode body = json(ex);
        if (body == null || !PAGERDUTY_KEY.equals(body.path("routing_key").asText())
                || !body.path("event_action").isTextual() || !body.path("dedup_key").isTextual()) {
            reply(ex, 400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
            protocolErrors.add("pagerduty: not an Events API v2 event with our routing key: " + body);
            return;
        }
        String action = body.path("event_action").asText();
        JsonNode payload = body.path("payload");
        if (action.equals("trigger") && (!payload.path("summary").isTextual()
                || !payload.path("source").isTextual() || !payload.path("severity").isTextual())) {
            reply(ex, 400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
            protocolErrors.add("pagerduty: trigger without summary/source/severity: " + body);
            return;
        }
        String summary = payload.path("summary").asText();
        Notification n = parse("pagerduty", summary, body.toString());
        received.add(new Notification(n.channel(), payload.path("severity").asText(n.severity()), n.alertname(),
                action.equals("trigger") ? "firing" : "resolved", n.atMillis(), summary, n.body()));
        reply(ex, 202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":"
                + JSON.writeValueAsString(body.path("dedup_key").asText()) + "}");
    }

    private void telegram(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/bot" + TELEGRAM_TOKEN + "/getMe")) {
            reply(ex, 200, "{\"ok\":true,\"result\":{\"id\":123456789,\"is_bot\":true,\"first_name\":\"fabstir\","
                    + "\"username\":\"fabstir_alerts_bot\"}}");
            return;
        }
        if (!path.equals("/bot" + TELEGRAM_TOKEN + "/sendMessage")) {
            reply(ex, 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
            protocolErrors.add("telegram: wrong bot token or method " + path);
            return;
        }
        JsonNode body = json(ex);
        if (body == null || body.path("chat_id").asLong() != TELEGRAM_CHAT || !body.path("text").isTextual()) {
            reply(ex, 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");
            protocolErrors.add("telegram: not a sendMessage to our chat: " + body);
            return;
        }
        String text = body.path("text").asText();
        record("telegram", text.replaceAll("<[^>]+>", ""), body.toString());
        reply(ex, 200, "{\"ok\":true,\"result\":{\"message_id\":" + received.size() + ",\"date\":"
                + System.currentTimeMillis() / 1000 + ",\"chat\":{\"id\":" + TELEGRAM_CHAT
                + ",\"type\":\"supergroup\",\"title\":\"fabstir on-call\"},\"text\":"
                + JSON.writeValueAsString(text) + "}}");
    }

    private JsonNode json(HttpExchange ex) throws IOException {
        byte[] bytes = ex.getRequestBody().readAllBytes();
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        if (!ex.getRequestMethod().equals("POST") || !type.startsWith("application/json")) {
            protocolErrors.add(ex.getRequestURI().getPath() + ": " + ex.getRequestMethod() + " " + type);
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private void record(String channel, String title, String body) {
        received.add(parse(channel, title, body));
    }

    private Notification parse(String channel, String title, String body) {
        Matcher m = TITLE.matcher(title);
        if (!m.find()) {
            protocolErrors.add(channel + ": a message without the '[SEVERITY] Alert status' title: " + title);
            return new Notification(channel, "?", "?", "?", System.currentTimeMillis(), title, body);
        }
        String status = m.group(3) != null ? m.group(3) : "firing";
        return new Notification(channel, m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2), status,
                System.currentTimeMillis(), title, body);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void smtpLoop() {
        while (!smtp.isClosed()) {
            try (Socket s = smtp.accept()) {
                s.setSoTimeout(10_000);
                smtpSession(s);
            } catch (IOException e) {
                if (!smtp.isClosed()) {
                    protocolErrors.add("smtp: " + e);
                }
            }
        }
    }

    /** The server side of RFC 5321 as far as a submission with AUTH PLAIN needs it. */
    private void smtpSession(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII);
        send(out, "220 127.0.0.1 ESMTP fabstir-test");
        boolean authenticated = false;
        List<String> recipients = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                send(out, "250-127.0.0.1 greets you\r\n250-AUTH PLAIN\r\n250 8BITMIME");
            } else if (upper.startsWith("AUTH PLAIN")) {
                String creds = line.length() > 11 ? line.substring(11).strip() : "";
                if (creds.isEmpty()) {
                    send(out, "334 ");
                    creds = in.readLine().strip();
                }
                String[] parts = new String(Base64.getDecoder().decode(creds), StandardCharsets.UTF_8).split("\0");
                authenticated = parts.length == 3 && parts[2].equals(SMTP_PASSWORD);
                send(out, authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Bad credentials");
                if (!authenticated) {
                    protocolErrors.add("smtp: bad credentials");
                }
            } else if (upper.startsWith("MAIL FROM:")) {
                send(out, authenticated ? "250 2.1.0 Ok" : "530 5.7.0 Authentication required");
            } else if (upper.startsWith("RCPT TO:")) {
                recipients.add(line.substring(8).strip());
                send(out, "250 2.1.5 Ok");
            } else if (upper.equals("DATA")) {
                send(out, "354 End data with <CR><LF>.<CR><LF>");
                StringBuilder message = new StringBuilder();
                String l;
                while ((l = in.readLine()) != null && !l.equals(".")) {
                    message.append(l.startsWith("..") ? l.substring(1) : l).append('\n');
                }
                Matcher subject = Pattern.compile("(?m)^Subject: (.*)$").matcher(message);
                if (subject.find() && !recipients.isEmpty()) {
                    record("email", subject.group(1), "To: " + recipients + "\n" + message);
                    send(out, "250 2.0.0 Ok: queued");
                } else {
                    protocolErrors.add("smtp: a message without Subject or recipients");
                    send(out, "554 5.6.0 No Subject");
                }
            } else if (upper.equals("QUIT")) {
                send(out, "221 2.0.0 Bye");
                return;
            } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                send(out, "250 2.0.0 Ok");
            } else {
                send(out, "502 5.5.2 Command not recognized");
            }
        }
    }

    private static void send(Writer out, String reply) throws IOException {
        out.write(reply + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        httpPool.shutdownNow();
        smtp.close();
    }
}
