package io.fabstir.otel.redaction;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Redacts each span before the exporter it wraps sees it: its name, attributes, events' names and attributes
 * ({@code exception.message}, {@code exception.stacktrace}), links' attributes, status description and resource.
 * Runs on the span processor's export thread, never on the thread that ended the span.
 */
public final class RedactingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final OtelRedaction redaction;

  private RedactingSpanExporter(SpanExporter delegate, OtelRedaction redaction) {
    this.delegate = delegate;
    this.redaction = redaction;
  }

  public static SpanExporter wrap(SpanExporter exporter, Redaction rules) {
    return exporter instanceof RedactingSpanExporter ? exporter : new RedactingSpanExporter(exporter,
        new OtelRedaction(rules));
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (!redaction.enabled()) {
      return delegate.export(spans);
    }
    List<SpanData> out = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      out.add(redact(span));
    }
    return delegate.export(out);
  }

  SpanData redact(SpanData span) {
    String name = redaction.text(span.getName());
    Attributes attributes = redaction.attributes(span.getAttributes());
    List<EventData> events = events(span.getEvents());
    List<LinkData> links = links(span.getLinks());
    StatusData status = span.getStatus();
    String description = redaction.text(status.getDescription());
    if (description != status.getDescription()) {
      status = StatusData.create(status.getStatusCode(), description);
    }
    Resource resource = redaction.resource(span.getResource());
    if (name == span.getName() && attributes == span.getAttributes() && events == span.getEvents()
        && links == span.getLinks() && status == span.getStatus() && resource == span.getResource()) {
      return span;
    }
    return new Redacted(span, name, attributes, events, links, status, resource);
  }

  private List<EventData> events(List<EventData> events) {
    List<EventData> out = null;
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      String name = redaction.text(e.getName());
      Attributes attributes = redaction.attributes(e.getAttributes());
      EventData red = name == e.getName() && attributes == e.getAttributes()
          ? e
          : EventData.create(e.getEpochNanos(), name, attributes, e.getTotalAttributeCount());
      if (red != e && out == null) {
        out = new ArrayList<>(events.subList(0, i));
      }
      if (out != null) {
        out.add(red);
      }
    }
    return out == null ? events : out;
  }

  private List<LinkData> links(List<LinkData> links) {
    List<LinkData> out = null;
    for (int i = 0; i < links.size(); i++) {
      LinkData l = links.get(i);
      Attributes attributes = redaction.attributes(l.getAttributes());
      LinkData red = attributes == l.getAttributes()
          ? l
          : LinkData.create(l.getSpanContext(), attributes, l.getTotalAttributeCount());
      if (red != l && out == null) {
        out = new ArrayList<>(links.subList(0, i));
      }
      if (out != null) {
        out.add(red);
      }
    }
    return out == null ? links : out;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "RedactingSpanExporter{" + delegate + "}";
  }

  private static final class Redacted extends DelegatingSpanData {
    private final String name;
    private final Attributes attributes;
    private final List<EventData> events;
    private final List<LinkData> links;
    private final StatusData status;
    private final Resource resource;

    Redacted(SpanData span, String name, Attributes attributes, List<EventData> events, List<LinkData> links,
        StatusData status, Resource resource) {
      super(span);
      this.name = name;
      this.attributes = attributes;
      this.events = events;
      this.links = links;
      this.status = status;
      this.resource = resource;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public List<EventData> getEvents() {
      return events;
    }

    @Override
    public List<LinkData> getLinks() {
      return links;
    }

    @Override
    public StatusData getStatus() {
      return status;
    }

    @Override
    public Resource getResource() {
      return resource;
    }
  }
}
