package io.hyperai.common.paging;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code ?page=0&size=20}, bounded so that no caller can ask for the whole table. */
public class PageRequest {

    @QueryParam("page")
    @Parameter(description = "Which page, from 0")
    @DefaultValue("0")
    @Min(0)
    @Max(1_000_000)
    int page;

    @QueryParam("size")
    @Parameter(description = "Items per page, at most 100")
    @DefaultValue("20")
    @Min(1)
    @Max(100)
    int size;

    public PageRequest() {
    }

    public PageRequest(int page, int size) {
        this.page = page;
        this.size = size;
    }

    public int page() {
        return page;
    }

    public int size() {
        return size;
    }
}
