package io.hyperai.execution.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * The {@code {id}} path parameter must name an execution of the caller, checked before the
 * endpoint runs: a stream cannot turn into a 404 once its headers are sent.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface OwnedExecution {
}
