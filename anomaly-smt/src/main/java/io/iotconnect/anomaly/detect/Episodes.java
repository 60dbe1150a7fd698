package io.iotconnect.anomaly.detect;

import java.time.Duration;

/**
 * Turns flagged readings into episodes per device: an episode starts when {@code raiseCount} of the device's last
 * {@code raiseWindow} readings are flagged (debounce) and no cooldown is running; every later reading belongs to it
 * until the device has had no flagged reading for {@code clearAfter}, when the next reading ends it; after the end, no
 * episode starts for {@code cooldown}. So one incident is one start, however many readings it flags.
 *
 * <p>State: {@link #SLOTS} doubles in the device's state array from the base offset.
 */
final class Episodes {

    static final int SLOTS = 6;
    private static final int START = 0;
    private static final int LAST_FLAGGED = 1;
    private static final int PEAK = 2;
    private static final int COOLDOWN_UNTIL = 3;
    private static final int RECENT_FLAGS = 4;
    private static final int READINGS = 5;
    /** Flags of the last readings are kept as bits of a double's integer range. */
    static final int MAX_WINDOW = 52;

    private final int raiseCount;
    private final long windowMask;
    private final long clearAfter;
    private final long cooldown;
    private int base = -1;

    Episodes(int raiseCount, int raiseWindow, Duration clearAfter, Duration cooldown) {
        if (raiseCount < 1 || raiseWindow < raiseCount || raiseWindow > MAX_WINDOW) {
            throw new IllegalArgumentException("an episode needs 1 <= raise count <= raise window <= " + MAX_WINDOW
                    + ", got " + raiseCount + " of " + raiseWindow);
        }
        this.raiseCount = raiseCount;
        this.windowMask = (1L << raiseWindow) - 1;
        this.clearAfter = clearAfter.toMillis();
        this.cooldown = cooldown.toMillis();
    }

    void base(int base) {
        this.base = base;
    }

    void initialise(double[] state) {
        state[base + START] = Double.NaN;
        state[base + LAST_FLAGGED] = Double.NaN;
        state[base + PEAK] = 0.0;
        state[base + COOLDOWN_UNTIL] = Double.NEGATIVE_INFINITY;
        state[base + RECENT_FLAGS] = 0.0;
        state[base + READINGS] = 0.0;
    }

    /** Places the assessed reading in its device's episodes, recording the result in {@code out}. */
    void track(double[] state, long time, Assessment out) {
        boolean flagged = out.flagged();
        long recent = (((long) state[base + RECENT_FLAGS] << 1) | (flagged ? 1 : 0)) & windowMask;
        state[base + RECENT_FLAGS] = recent;
        double start = state[base + START];
        if (Double.isNaN(start)) {
            if (flagged && Long.bitCount(recent) >= raiseCount && time >= state[base + COOLDOWN_UNTIL]) {
                state[base + START] = time;
                state[base + LAST_FLAGGED] = time;
                state[base + PEAK] = out.score();
                state[base + READINGS] = 1;
                out.episode(Episode.START, time, out.score(), 1);
            }
            return;
        }
        long readings = (long) (state[base + READINGS] += 1);
        if (flagged) {
            state[base + LAST_FLAGGED] = Math.max(time, state[base + LAST_FLAGGED]);
            state[base + PEAK] = Math.max(state[base + PEAK], out.score());
            out.episode(Episode.ONGOING, (long) start, state[base + PEAK], readings);
        } else if (time - state[base + LAST_FLAGGED] >= clearAfter) {
            out.episode(Episode.END, (long) start, state[base + PEAK], readings);
            state[base + START] = Double.NaN;
            state[base + PEAK] = 0.0;
            state[base + COOLDOWN_UNTIL] = (double) time + cooldown;
            state[base + RECENT_FLAGS] = 0.0;
            state[base + READINGS] = 0.0;
        } else {
            out.episode(Episode.ONGOING, (long) start, state[base + PEAK], readings);
        }
    }
}
