package io.fabstir.examples.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The vector selectors of a PromQL expression ({@code name{label="v",…}}) and the check that each selects series the
 * code exports. Written by hand because the Prometheus tools expose no parser: promtool checks that an expression
 * parses but prints nothing of its structure, and Prometheus 2.42 has no parse_query API. Syntax the shipped
 * expressions use is covered: strings, numbers, range/subquery brackets, offset, function calls, aggregation
 * grouping clauses, label matchers with all four operators.
 */
final class PromqlSelectors {
    record Matcher(String label, String op, String value) {
        boolean matches(String actual) {
            String a = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> a.equals(value);
                case "!=" -> !a.equals(value);
                case "=~" -> Pattern.compile(value).matcher(a).matches(); // anchored, as in PromQL
                case "!~" -> !Pattern.compile(value).matcher(a).matches();
                default -> throw new IllegalArgumentException(op);
            };
        }

        @Override
        public String toString() {
            return label + op + '"' + value + '"';
        }
    }

    record Selector(String metric, List<Matcher> matchers) {
        @Override
        public String toString() {
            return (metric == null ? "" : metric) + matchers;
        }
    }

    /** Labels Prometheus adds from its scrape configuration, not the exporter: never checked against the exporter. */
    static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private PromqlSelectors() {
    }

    static List<Selector> parse(String expr) {
        List<Selector> out = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1;
            } else if (c == '#') {
                int nl = expr.indexOf('\n', i);
                i = nl < 0 ? n : nl;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                i++;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.'
                        || ((expr.charAt(i) == '+' || expr.charAt(i) == '-') && "eE".indexOf(expr.charAt(i - 1)) >= 0))) {
                    i++; // a number, or a duration such as 5m
                }
            } else if (c == '{') {
                List<Matcher> matchers = new ArrayList<>();
                i = matchers(expr, i, matchers);
                out.add(new Selector(null, matchers));
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                        || expr.charAt(i) == ':')) {
                    i++;
                }
                String ident = expr.substring(start, i);
                int next = skipSpace(expr, i);
                char after = next < n ? expr.charAt(next) : 0;
                if (expr.startsWith("by", next) || expr.startsWith("without", next)) {
                    after = '('; // an aggregation written `sum by (x) (...)`
                }
                if (GROUPING.contains(ident)) {
                    if (after == '(') {
                        i = expr.indexOf(')', next) + 1;
                    }
                } else if (ident.equals("offset")) {
                    i = skipSpace(expr, i);
                    while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '-')) {
                        i++;
                    }
                } else if (after == '(' || KEYWORDS.contains(ident.toLowerCase(java.util.Locale.ROOT))) {
                    // a function or an aggregation, or an operator keyword
                } else if (after == '{') {
                    List<Matcher> matchers = new ArrayList<>();
                    i = matchers(expr, next, matchers);
                    out.add(new Selector(ident, matchers));
                } else {
                    out.add(new Selector(ident, List.of()));
                }
            } else {
                i++;
            }
        }
        return out;
    }

    private static int matchers(String expr, int brace, List<Matcher> out) {
        int i = brace + 1;
        while (true) {
            i = skipSpace(expr, i);
            if (expr.charAt(i) == '}') {
                return i + 1;
            }
            if (expr.charAt(i) == ',') {
                i++;
                continue;
            }
            int start = i;
            while (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_') {
                i++;
            }
            String label = expr.substring(start, i);
            i = skipSpace(expr, i);
            String op = expr.startsWith("=~", i) || expr.startsWith("!~", i) || expr.startsWith("!=", i)
                    ? expr.substring(i, i + 2) : expr.substring(i, i + 1);
            if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
                throw new IllegalArgumentException("not a label matcher at " + i + " of: " + expr);
            }
            i = skipSpace(expr, i + op.length());
            int end = skipString(expr, i);
            out.add(new Matcher(label, op, unquote(expr.substring(i, end))));
            i = end;
        }
    }

    private static int skipString(String s, int i) {
        char quote = s.charAt(i);
        int j = i + 1;
        while (s.charAt(j) != quote) {
            j += s.charAt(j) == '\\' && quote != '`' ? 2 : 1;
        }
        return j + 1;
    }

    private static String unquote(String quoted) {
        String body = quoted.substring(1, quoted.length() - 1);
        if (quoted.charAt(0) == '`') {
            return body;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(++i);
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Problems of {@code expr} against the exported series: a metric never exported, or matchers that no exported
     * series satisfies together (target labels aside). {@code up} is Prometheus' own series and is left out.
     */
    static List<String> problems(String expr, List<ExportedSeries.Series> exported, Set<String> valueFreeLabels) {
        List<String> problems = new ArrayList<>();
        for (Selector s : parse(expr)) {
            if (s.metric() == null) {
                problems.add(s + ": a selector without a metric name");
                continue;
            }
            if (s.metric().equals("up")) {
                continue;
            }
            List<ExportedSeries.Series> named = exported.stream().filter(e -> e.name().equals(s.metric())).toList();
            if (named.isEmpty()) {
                problems.add(s.metric() + ": no such series is exported");
                continue;
            }
            List<Matcher> checked = s.matchers().stream().filter(m -> !TARGET_LABELS.contains(m.label())).toList();
            boolean any = named.stream().anyMatch(e -> checked.stream().allMatch(m ->
                    valueFreeLabels.contains(m.label()) ? e.labels().containsKey(m.label())
                            : m.matches(e.labels().get(m.label()))));
            if (!any) {
                Set<String> seen = new TreeSet<>();
                checked.forEach(m -> named.forEach(e -> seen.add(m.label() + "=" + e.labels().get(m.label()))));
                problems.add(s + ": selects nothing the exporter emits (it emits " + seen + ")");
            }
        }
        return problems;
    }
}
