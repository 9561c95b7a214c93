package io.hyperai.e2e;

import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a person's browser does on the provider's HTML pages, no more: follows redirects, keeps
 * cookies, and submits a page's form with its hidden fields plus what the person would type or click.
 */
final class Browser {

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern HIDDEN = Pattern.compile(
            "<input\\b[^>]*type=\"hidden\"[^>]*name=\"([^\"]*)\"[^>]*value=\"([^\"]*)\"", Pattern.DOTALL);
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");

    record Page(URI uri, int status, String html) {

        /** The first form whose opening tag or content contains {@code marker}. */
        Form form(String marker) {
            Matcher m = FORM.matcher(html);
            while (m.find()) {
                if (m.group(0).contains(marker)) {
                    Matcher action = ACTION.matcher(m.group(1));
                    if (!action.find()) {
                        break;
                    }
                    Map<String, String> fields = new LinkedHashMap<>();
                    Matcher hidden = HIDDEN.matcher(m.group(2));
                    while (hidden.find()) {
                        fields.put(hidden.group(1), unescape(hidden.group(2)));
                    }
                    return new Form(uri.resolve(unescape(action.group(1))), fields);
                }
            }
            throw new AssertionError("no form with " + marker + " on " + uri + ":\n" + html);
        }
    }

    record Form(URI action, Map<String, String> fields) {
    }

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new Jar())
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /**
     * Every cookie the one site sets, sent back over plain HTTP too: Keycloak marks its session
     * cookies Secure, which browsers (and curl) honour for http://localhost, but not the JDK's
     * CookieManager.
     */
    private static final class Jar extends CookieHandler {

        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            return cookies.isEmpty() ? Map.of() : Map.of("Cookie", List.of(cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "))));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> headers) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey() == null || !header.getKey().equalsIgnoreCase("Set-Cookie")) {
                    continue;
                }
                for (String cookie : header.getValue()) {
                    String pair = cookie.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        continue;
                    }
                    String name = pair.substring(0, eq).trim();
                    if (cookie.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                        cookies.remove(name);
                    } else {
                        cookies.put(name, pair.substring(eq + 1).trim());
                    }
                }
            }
        }
    }

    Page open(String url) throws Exception {
        return page(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    Page submit(Form form, Map<String, String> typed) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(form.fields());
        fields.putAll(typed);
        return page(HttpRequest.newBuilder(form.action()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(fields.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))))
                .build());
    }

    private Page page(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Page(r.uri(), r.statusCode(), r.body());
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">");
    }
}
