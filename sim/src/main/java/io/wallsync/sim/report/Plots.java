package io.wallsync.sim.report;

import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts with XChart: guest error against time per policy (log scale: errors span nanoseconds to
 * hours) and the modelled CPU cost per policy. Written as PNG or SVG, chosen by the file extension.
 */
public final class Plots {
    /** Errors below this are drawn at this floor: a log axis cannot show 0. */
    static final double FLOOR_MS = 1e-6;
    /** At most this many points per line; each point keeps the largest error of its bucket. */
    static final int MAX_POINTS = 2_000;

    private Plots() {}

    /** The image format of a file, from its extension. */
    public enum Format {
        PNG,
        SVG;

        /** PNG for .png, SVG for .svg; anything else is a usage error (the message says what is expected). */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".png")) {
                return PNG;
            }
            if (name.endsWith(".svg")) {
                return SVG;
            }
            throw new IllegalArgumentException("plot file '" + file + "' must end in .png or .svg");
        }
    }

    /** Guest error against time, one line per policy. */
    public static XYChart errorChart(SimulationResult result) {
        XYChart chart = new XYChartBuilder()
                .width(1000)
                .height(560)
                .title("Largest guest |error| over time - scenario "
                        + result.scenario().name() + ", seed " + result.seed())
                .xAxisTitle("true time since host boot (hours)")
                .yAxisTitle("max |guest wall time - true UTC| (ms, log)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (PolicyResult p : result.policies()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            downsample(p.series(), xs, ys);
            if (xs.isEmpty()) {
                xs.add(0.0);
                ys.add(FLOOR_MS);
            }
            XYSeries s = chart.addSeries(p.policy().id(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    static void downsample(ErrorSeries series, List<Double> xs, List<Double> ys) {
        int n = series.size();
        int bucket = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        for (int start = 0; start < n; start += bucket) {
            int end = Math.min(n, start + bucket);
            long worst = -1;
            int worstAt = start;
            for (int i = start; i < end; i++) {
                if (series.liveGuests(i) > 0 && series.maxAbsErrorNs(i) > worst) {
                    worst = series.maxAbsErrorNs(i);
                    worstAt = i;
                }
            }
            if (worst >= 0) {
                xs.add(series.timeNs(worstAt) / 3.6e12);
                ys.add(Math.max(FLOOR_MS, worst / 1e6));
            }
        }
    }

    /** Modelled CPU cost per hour of each policy, in microseconds (XChart cannot put bars on a log axis). */
    public static CategoryChart costChart(SimulationResult result) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(800)
                .height(420)
                .title("Modelled CPU cost per hour - scenario "
                        + result.scenario().name())
                .xAxisTitle("policy")
                .yAxisTitle("CPU time per hour (us)")
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> names = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (PolicyResult p : result.policies()) {
            names.add(p.policy().id());
            costs.add(p.cpuNsPerHour() / 1e3);
        }
        chart.addSeries("cpu", names, costs);
        return chart;
    }

    /** Writes {@code chart} to {@code file} as PNG or SVG according to its extension. */
    public static void save(Chart<?, ?> chart, Path file) throws IOException {
        Format format = Format.of(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            switch (format) {
                case PNG -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
                case SVG ->
                    VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
        }
    }
}
