package io.hyperai.execution.rest;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.RestResponse;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.mapping.OutputFileView;
import io.hyperai.execution.service.OutputService;
import io.quarkus.security.Authenticated;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** An ended execution's saved working directory: what it holds, its files, all of it as a tar.gz, and its deletion. */
@jakarta.ws.rs.Path("/api/v1/executions/{id}/output")
@Authenticated
@Tag(name = "Outputs", description = "The working directory (/hyperai/home) saved when an execution ends: it counts"
        + " toward the caller's storage until deleted. Only the caller's own.")
public class OutputResource {

    private static final String EXECUTION_ID = "The execution's id";

    private final OutputService outputs;
    private final CurrentUser user;

    public OutputResource(OutputService outputs, CurrentUser user) {
        this.outputs = outputs;
        this.user = user;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List a saved working directory's files", description = "Regular files with their sizes, by"
            + " path. 404 until the execution has ended and its directory is saved, and after it was deleted.")
    public Uni<Page<OutputFileView>> list(@Parameter(description = EXECUTION_ID) @PathParam("id") String id,
            @Valid @BeanParam PageRequest page) {
        return outputs.list(user.id(), id, page);
    }

    @GET
    @jakarta.ws.rs.Path("files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Download one file of a saved working directory")
    public Uni<RestResponse<PathPart>> file(@Parameter(description = EXECUTION_ID) @PathParam("id") String id,
            @Parameter(description = "The file's path in the directory") @PathParam("path") String path) {
        return outputs.file(user.id(), id, path).map(file -> RestResponse.ResponseBuilder
                .ok(new PathPart(file, 0, size(file)), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\""
                        + file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + "\"")
                .build());
    }

    /**
     * Blocking: the archive is written as the client reads it, on a worker thread (the access check runs on the
     * request's Vert.x context first, so a refusal is a problem, not a broken stream).
     */
    @GET
    @jakarta.ws.rs.Path("archive")
    @Produces("application/gzip")
    @Blocking
    @Operation(summary = "Download a saved working directory as one tar.gz", description = "Streamed as it is made.")
    public RestResponse<StreamingOutput> archive(@Parameter(description = EXECUTION_ID) @PathParam("id") String id)
            throws Throwable {
        String owner = user.id();
        Path root = VertxContextSupport.subscribeAndAwait(() -> outputs.archive(owner, id));
        return RestResponse.ResponseBuilder
                .ok((StreamingOutput) out -> OutputService.writeArchive(root, out), "application/gzip")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"output-" + id + ".tar.gz\"")
                .build();
    }

    @DELETE
    @Operation(summary = "Delete a saved working directory", description = "Its bytes stop counting toward the"
            + " caller's storage. Refused while an execution that continues from it or binds it is queued or running.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "In use (`output-in-use`) or still being saved"
            + " (`output-not-saved`).")
    public Uni<RestResponse<Void>> delete(@Parameter(description = EXECUTION_ID) @PathParam("id") String id) {
        return outputs.delete(user.id(), id).map(v -> RestResponse.noContent());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
