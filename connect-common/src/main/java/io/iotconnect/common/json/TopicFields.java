package io.iotconnect.common.json;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distinct fields the payloads of each topic brought, bounded: a device that sends a new field name in every
 * message would otherwise make a new schema per message, and a schema registry a new version per message. Checked
 * only when a shape is new (a cache miss), so steady traffic costs nothing. One instance per task: not thread-safe.
 */
final class TopicFields {

    private final int maxFields;
    private final String maxFieldsKey;
    private final Cache<String, Set<String>> byTopic;

    /**
     * @param maxFields    most distinct field paths per topic
     * @param maxFieldsKey the key that set it, named in reasons
     * @param topics       most topics remembered (the least recently used is forgotten)
     */
    TopicFields(int maxFields, String maxFieldsKey, int topics) {
        this.maxFields = maxFields;
        this.maxFieldsKey = maxFieldsKey;
        this.byTopic = new LRUCache<>(topics);
    }

    /**
     * Adds the value's fields to its topic's, or refuses them all when they would take the topic beyond the bound.
     *
     * @throws MalformedPayloadException naming the first new field and the bound
     */
    void admit(String topic, Object value) {
        String key = topic == null ? "" : topic;
        Set<String> known = byTopic.get(key);
        if (known == null) {
            known = new HashSet<>();
            byTopic.put(key, known);
        }
        List<String> fresh = new ArrayList<>();
        collect(value, "$", known, fresh);
        if (fresh.isEmpty()) {
            return;
        }
        if (known.size() + fresh.size() > maxFields) {
            throw new MalformedPayloadException("the payload brings " + fresh.size() + " field(s) new to topic '" + key
                    + "' (first " + fresh.get(0) + "), beyond the " + maxFields + " distinct fields a topic may have ("
                    + maxFieldsKey + ")", -1, -1, -1);
        }
        known.addAll(fresh);
    }

    private void collect(Object value, String path, Set<String> known, List<String> fresh) {
        if (value instanceof Map<?, ?> object) {
            for (Map.Entry<?, ?> field : object.entrySet()) {
                String fieldPath = path + "." + field.getKey();
                if (!known.contains(fieldPath)) {
                    // Walked whole: the parser has bounded the fields of one payload already.
                    fresh.add(fieldPath);
                }
                collect(field.getValue(), fieldPath, known, fresh);
            }
        } else if (value instanceof List<?> array) {
            for (Object element : array) {
                collect(element, path + "[]", known, fresh);
            }
        }
    }
}
