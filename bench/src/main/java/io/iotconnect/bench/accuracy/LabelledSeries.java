package io.iotconnect.bench.accuracy;

import java.util.List;

/**
 * One labelled series of the benchmark: its readings in file order and its anomaly windows as row ranges.
 *
 * @param name    the path NAB names it by, like {@code realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv}
 * @param times   each row's time, epoch milliseconds (NAB's timestamps carry no zone; read as UTC)
 * @param values  each row's value
 * @param windows the anomaly windows, in order, not overlapping
 */
public record LabelledSeries(String name, long[] times, double[] values, List<Window> windows) {

    /** An anomaly window: the rows from {@code first} to {@code last}, both included. */
    public record Window(int first, int last) {

        public Window {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("a window needs 0 <= first <= last, got [" + first + ", " + last + "]");
            }
        }

        public int length() {
            return last - first + 1;
        }

        public boolean contains(int row) {
            return row >= first && row <= last;
        }
    }

    public LabelledSeries {
        if (times.length != values.length) {
            throw new IllegalArgumentException(name + ": " + times.length + " times for " + values.length + " values");
        }
        windows = List.copyOf(windows);
        int previousLast = -1;
        for (Window window : windows) {
            if (window.first() <= previousLast || window.last() >= times.length) {
                throw new IllegalArgumentException(name + ": window " + window + " overlaps the one before it or ends past row "
                        + (times.length - 1));
            }
            previousLast = window.last();
        }
    }

    public int rows() {
        return times.length;
    }

    /** The folder NAB files it under, like {@code realAWSCloudwatch}; the whole name when there is none. */
    public String category() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }
}
