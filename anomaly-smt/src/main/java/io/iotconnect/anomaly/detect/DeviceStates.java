package io.iotconnect.anomaly.detect;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-device detector state, least recently seen devices evicted past a maximum, so memory stays bounded however many
 * devices appear. Each device costs its id, one map entry and one {@code double[]}; see the module README for the
 * measured bytes per device. Used by one task's transform only (Connect never calls a transform from two threads).
 */
final class DeviceStates {

    private final int maxDevices;
    private final int stateSize;
    private final double[] template;
    private long evictions;
    private final LinkedHashMap<Object, double[]> states;

    DeviceStates(int maxDevices, double[] template) {
        this.maxDevices = maxDevices;
        this.stateSize = template.length;
        this.template = template.clone();
        this.states = new LinkedHashMap<>(Math.min(maxDevices, 1 << 16) * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, double[]> eldest) {
                if (size() > DeviceStates.this.maxDevices) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    /** The device's state, created fresh (and possibly evicting the least recently seen device) on its first reading. */
    double[] stateOf(Object deviceId) {
        double[] state = states.get(deviceId);
        if (state == null) {
            state = Arrays.copyOf(template, stateSize);
            states.put(deviceId, state);
        }
        return state;
    }

    int size() {
        return states.size();
    }

    long evictions() {
        return evictions;
    }

    void clear() {
        states.clear();
    }
}
