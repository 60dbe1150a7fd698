package io.iotconnect.cosmos.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.PatchOperation;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode document(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> describe(List<PatchPlan.FieldOperation> operations) {
        return operations.stream().map(op -> op.operation() + " " + op.path() + " " + op.value()).toList();
    }

    @Test
    void defaultOperationCoversUnnamedFieldsButNeverTheIdOrPartitionKey() throws Exception {
        Map<String, PatchOperation> fields = new LinkedHashMap<>();
        fields.put("count", PatchOperation.INCREMENT);
        fields.put("site.room", PatchOperation.SET);
        fields.put("firmware", PatchOperation.IGNORE);
        fields.put("alerts", PatchOperation.APPEND);
        PatchPlan plan = new PatchPlan(PatchOperation.SET, fields);
        ObjectNode doc = document("{\"id\":\"dev-1\",\"deviceId\":\"dev-1\",\"day\":\"2026-11-23\",\"temp\":21.5,\"count\":1,"
                + "\"firmware\":\"2.0\",\"site\":{\"room\":\"r1\",\"floor\":2},\"alerts\":{\"kind\":\"high\"},\"a/b\":true}");
        assertThat(describe(plan.operations(doc, new PartitionKeys(List.of("/deviceId", "/day"))))).containsExactly(
                "SET /temp 21.5", "SET /a~1b true", "INCREMENT /count 1", "SET /site/room \"r1\"", "APPEND /alerts {\"kind\":\"high\"}");
    }

    @Test
    void nestedPartitionKeysProtectTheirTopLevelField() throws Exception {
        PatchPlan plan = new PatchPlan(PatchOperation.SET, Map.of("site.room", PatchOperation.SET));
        ObjectNode doc = document("{\"id\":\"x\",\"site\":{\"id\":\"s1\",\"room\":\"r\"},\"temp\":1}");
        assertThat(describe(plan.operations(doc, new PartitionKeys(List.of("/site/id"))))).containsExactly("SET /temp 1");
    }

    @Test
    void ignoreByDefaultPatchesOnlyNamedFieldsAndMissingOnesAreSkipped() throws Exception {
        PatchPlan plan = new PatchPlan(PatchOperation.IGNORE, Map.of("lastSeen", PatchOperation.SET, "count", PatchOperation.INCREMENT));
        ObjectNode doc = document("{\"id\":\"x\",\"deviceId\":\"d\",\"lastSeen\":5,\"temp\":1}");
        assertThat(describe(plan.operations(doc, new PartitionKeys(List.of("/deviceId"))))).containsExactly("SET /lastSeen 5");
    }

    @Test
    void incrementsNeedNumbers() throws Exception {
        PatchPlan plan = new PatchPlan(PatchOperation.INCREMENT, Map.of());
        assertThatThrownBy(() -> plan.operations(document("{\"id\":\"x\",\"n\":\"one\"}"), new PartitionKeys(List.of("/id"))))
                .isInstanceOf(DataException.class)
                .hasMessage("field 'n' is to be incremented (cosmos.patch.*) but its value is not a number: \"one\"");
    }

    @Test
    void longPatchesAreSplitIntoRequestsOfTenOperations() throws Exception {
        StringBuilder json = new StringBuilder("{\"id\":\"x\"");
        for (int i = 0; i < 23; i++) {
            json.append(",\"f").append(i).append("\":").append(i);
        }
        List<PatchPlan.FieldOperation> operations = new PatchPlan(PatchOperation.SET, Map.of())
                .operations(document(json.append('}').toString()), new PartitionKeys(List.of("/id")));
        assertThat(operations).hasSize(23);
        assertThat(PatchPlan.requests(operations)).hasSize(3);
        assertThat(PatchPlan.requests(List.of())).isEmpty();
    }
}
