package io.hyperai.execution.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.hyperai.common.files.UploadedPart;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.mapping.CodeView;
import io.hyperai.execution.service.CodeService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Code for script executions: files (each part's file name is its path) or one archive to unpack. */
@Path("/api/v1/code")
@Authenticated
public class CodeResource {

    private final CodeService code;
    private final CurrentUser user;

    public CodeResource(CodeService code, CurrentUser user) {
        this.code = code;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Uni<Response> upload(@RestForm("files") List<FileUpload> files,
            @QueryParam("unpack") @DefaultValue("true") boolean unpack) {
        List<UploadedPart> parts = files == null ? List.of()
                : files.stream().map(f -> new UploadedPart(f.fileName(), f.uploadedFile(), f.size())).toList();
        return code.upload(user.id(), parts, unpack).map(c -> Response.created(URI.create("/api/v1/code/" + c.id))
                .entity(CodeView.of(c)).build());
    }

    @GET
    @Path("{id}")
    public Uni<CodeView> get(@PathParam("id") String id) {
        return code.find(user.id(), id).map(CodeView::of);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return code.delete(user.id(), id).map(v -> Response.noContent().build());
    }
}
