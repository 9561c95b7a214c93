package io.hyperai.execution.rest;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.hyperai.common.rest.UploadGate;
import io.hyperai.execution.service.CodeService;
import io.quarkus.vertx.http.runtime.filters.Filters;

/** A code upload by a blocked user, or one too big for the quota, is refused before its body is read. */
@ApplicationScoped
public class CodeUploadGate {

    private static final Pattern CODE = Pattern.compile("/api/v1/code");

    void register(@Observes Filters filters, CodeService code) {
        filters.register(new UploadGate(CODE, (owner, path, bytes) -> code.admit(owner, bytes).replaceWithVoid()),
                UploadGate.PRIORITY);
    }
}
