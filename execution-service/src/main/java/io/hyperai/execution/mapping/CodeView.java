package io.hyperai.execution.mapping;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.files.StagedUpload;
import io.hyperai.execution.CodeUpload;

public record CodeView(String id, long totalBytes, List<StagedUpload.StagedFile> files, Instant createdAt) {

    public static CodeView of(CodeUpload code) {
        try {
            return new CodeView(code.id.toString(), code.totalBytes, EventCodec.mapper().readValue(code.files,
                    new TypeReference<List<StagedUpload.StagedFile>>() {
                    }), code.createdAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String filesJson(List<StagedUpload.StagedFile> files) {
        try {
            return EventCodec.mapper().writeValueAsString(files);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
