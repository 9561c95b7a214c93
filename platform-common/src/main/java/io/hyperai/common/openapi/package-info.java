/**
 * What every service's OpenAPI document shares, declared once: the RFC 9457 problem body, the error answers
 * any operation may give (attached to each operation by {@link io.hyperai.common.openapi.ProblemResponsesFilter})
 * and the {@code internal} tag. SmallRye reads a shared {@code @OpenAPIDefinition} only from a package. Each
 * service's title and description come from its configuration.
 */
@OpenAPIDefinition(info = @Info(title = "HyperAI", version = "0.1.0"),
        tags = @Tag(name = ProblemResponsesFilter.INTERNAL_TAG,
                description = "Service-to-service calls: they need a token with role `service`, never a user's."),
        components = @Components(
                schemas = @Schema(name = "Problem", implementation = Problem.class,
                        description = "An RFC 9457 problem: `type` names the kind of failure (urn:hyperai:problem:...),"
                                + " `errors` each offending field, `traceId` a server-side failure to quote."),
                responses = {
                        @APIResponse(name = "BadRequest", description = "The input is invalid (the problem's `errors`"
                                + " name each offending field); nothing was changed.", content = @Content(
                                        mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "Unauthorized", description = "No valid bearer token.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "Forbidden", description = "The token lacks the role this operation needs,"
                                + " or the account may not do this now (the problem's `type` says which).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "NotFound", description = "No such resource of the caller: another"
                                + " user's answers the same as a missing one.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "ServiceUnavailable", description = "The database or a service this"
                                + " operation asks is unavailable; nothing was changed. Retry after `Retry-After`"
                                + " seconds.", headers = @Header(name = "Retry-After",
                                        description = "Seconds to wait before retrying",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
                }))
package io.hyperai.common.openapi;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.problem.Problem;

