package io.wallsync.sim.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts with XChart: guest error against time per policy (log scale: errors span nanoseconds to
 * hours), in two views stacked in one image, and the modelled CPU cost per policy. Written as PNG or
 * SVG, chosen by the file extension.
 */
public final class Plots {
    /** Errors below 1 us are drawn at 1 us: a log axis cannot show 0. */
    static final double FLOOR_MS = 1e-3;

    static final int WIDTH = 1000;
    static final int HEIGHT = 480;
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

    /** What an error chart shows at each sample instant. */
    enum ErrorView {
        /** |error| of the wall time a guest booting at that instant reads (the historical bug). */
        BOOTING_NOW("|error| of a guest booting at that instant", "boot error (ms, log)"),
        /** Median |error| over the guests running at that instant. */
        RUNNING_MEDIAN("median |error| of the running guests", "median |guest - true UTC| (ms, log)");

        final String title;
        final String axis;

        ErrorView(String title, String axis) {
            this.title = title;
            this.axis = axis;
        }
    }

    /**
     * Guest error against time, one line per policy: what a guest booting at each instant reads, and
     * the median over the guests running then. Log scale: errors span nanoseconds to hours.
     */
    public static List<XYChart> errorCharts(SimulationResult result) {
        return List.of(errorChart(result, ErrorView.BOOTING_NOW), errorChart(result, ErrorView.RUNNING_MEDIAN));
    }

    static XYChart errorChart(SimulationResult result, ErrorView view) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(view.title + " - scenario " + result.scenario().name() + ", seed " + result.seed())
                .xAxisTitle("true time since host boot (hours)")
                .yAxisTitle(view.axis)
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (PolicyResult p : result.policies()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            downsample(p.series(), view, xs, ys);
            if (xs.isEmpty()) {
                xs.add(0.0);
                ys.add(FLOOR_MS);
            }
            XYSeries s = chart.addSeries(p.policy().id(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    static void downsample(ErrorSeries series, ErrorView view, List<Double> xs, List<Double> ys) {
        int n = series.size();
        int bucket = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        for (int start = 0; start < n; start += bucket) {
            int end = Math.min(n, start + bucket);
            long worst = -1;
            int worstAt = start;
            for (int i = start; i < end; i++) {
                long value = switch (view) {
                    case BOOTING_NOW -> Math.abs(series.publishedErrorNs(i));
                    case RUNNING_MEDIAN -> series.liveGuests(i) > 0 ? series.medianAbsErrorNs(i) : -1;
                };
                if (value > worst) {
                    worst = value;
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
        save(List.of(chart), file);
    }

    /** Writes the charts one above the other into one PNG or SVG image. */
    public static void save(List<? extends Chart<?, ?>> charts, Path file) throws IOException {
        Format format = Format.of(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        int width = charts.stream().mapToInt(Chart::getWidth).max().orElse(WIDTH);
        int height = charts.stream().mapToInt(Chart::getHeight).sum();
        try (OutputStream out = Files.newOutputStream(file)) {
            switch (format) {
                case PNG -> {
                    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = image.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                    paintStacked(charts, g);
                    g.dispose();
                    ImageIO.write(image, "png", out);
                }
                case SVG -> {
                    VectorGraphics2D g = new VectorGraphics2D();
                    paintStacked(charts, g);
                    new SVGProcessor()
                            .getDocument(g.getCommands(), new PageSize(0, 0, width, height))
                            .writeTo(out);
                }
            }
        }
    }

    private static void paintStacked(List<? extends Chart<?, ?>> charts, Graphics2D g) {
        int y = 0;
        for (Chart<?, ?> chart : charts) {
            Graphics2D part = (Graphics2D) g.create(0, y, chart.getWidth(), chart.getHeight());
            chart.paint(part, chart.getWidth(), chart.getHeight());
            part.dispose();
            y += chart.getHeight();
        }
    }
}
