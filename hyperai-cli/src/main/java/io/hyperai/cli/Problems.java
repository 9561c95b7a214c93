package io.hyperai.cli;

import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** An RFC 9457 problem (or any error answer) as one line: {@code <title>: <detail> (field: x)}. */
public final class Problems {

    private Problems() {
    }

    /**
     * @param status the HTTP status
     * @param body the parsed body, or null when there was none or it was not JSON
     */
    public static String message(int status, JsonNode body) {
        String title = Json.text(body, "title");
        String detail = Json.text(body, "detail");
        if (status == 401 && title == null) {
            return "not authorized: the platform refused the token; run `hyperai login`";
        }
        if (title == null && detail == null) {
            return "HTTP " + status + " " + reason(status);
        }
        StringBuilder line = new StringBuilder(title == null ? reason(status) : title);
        if (detail != null && !detail.isBlank() && !detail.equals(title)) {
            line.append(": ").append(detail);
        }
        Set<String> fields = new LinkedHashSet<>();
        JsonNode errors = body.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode error : errors) {
                String field = Json.text(error, "field");
                if (field != null && !field.isBlank()) {
                    fields.add(field);
                }
            }
        }
        if (!fields.isEmpty()) {
            line.append(" (field").append(fields.size() > 1 ? "s" : "").append(": ")
                    .append(String.join(", ", fields)).append(')');
        }
        if (status == 401) {
            line.append("; run `hyperai login`");
        }
        return line.toString().replaceAll("[\\r\\n]+", " ");
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "error";
        };
    }
}
