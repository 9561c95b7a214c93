package io.hyperai.common.client;

/**
 * A dependency answered, with a 4xx: a real answer (typically "no such thing"), not a sign that it
 * is unwell, so circuit breakers count it as a success and callers interpret the status.
 */
public class RefusedByDependency extends RuntimeException {

    private final int status;

    public RefusedByDependency(int status) {
        super("dependency answered " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * For a client interface's {@code @ClientExceptionMapper}: 4xx becomes a {@link RefusedByDependency}; anything
     * else keeps the REST client's default handling.
     */
    public static RuntimeException of(jakarta.ws.rs.core.Response response) {
        int status = response.getStatus();
        if (status >= 400 && status < 500) {
            return new RefusedByDependency(status);
        }
        return null;
    }
}
