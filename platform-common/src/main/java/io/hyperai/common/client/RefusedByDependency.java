package io.hyperai.common.client;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

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

    public boolean isConflict() {
        return status == 409;
    }

    /** Registered on every dependency's client: 4xx becomes a {@link RefusedByDependency}, 5xx keeps the default. */
    public static class Mapper implements ResponseExceptionMapper<RefusedByDependency> {

        @Override
        public boolean handles(int status, MultivaluedMap<String, Object> headers) {
            return status >= 400 && status < 500;
        }

        @Override
        public RefusedByDependency toThrowable(Response response) {
            return new RefusedByDependency(response.getStatus());
        }
    }
}
