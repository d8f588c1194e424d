package io.wallsync.sim.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.awt.BasicStroke;
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
import java.util.Optional;
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
    static final double FLOOR_NS = 1e3;

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
        BOOTING_NOW("|error| of a guest booting at that instant", "boot error"),
        /** Median |error| over the guests running at that instant. */
        RUNNING_MEDIAN("median |error| of the running guests", "median |guest - true UTC|");

        final String title;
        final String axis;

        ErrorView(String title, String axis) {
            this.title = title;
            this.axis = axis;
        }
    }

    /**
     * How the lines of the policies are told apart where they coincide: each policy has its own
     * dash pattern and width (a dashed line drawn over a solid one leaves the solid one visible in
     * its gaps), and a policy whose drawn series equals an earlier one says so in the legend.
     */
    static final List<BasicStroke> STROKES = List.of(
            new BasicStroke(3.0f),
            new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 6f}, 0f),
            new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f),
            new BasicStroke(
                    1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {12f, 4f, 2f, 4f}, 0f));

    /**
     * Guest error against time, one line per policy: what a guest booting at each instant reads, and
     * the median over the guests running then. Log scale: errors span nanoseconds to hours.
     */
    public static List<XYChart> errorCharts(SimulationResult result) {
        return List.of(errorChart(result, ErrorView.BOOTING_NOW), errorChart(result, ErrorView.RUNNING_MEDIAN));
    }

    /** One policy's line as drawn: true time and |error|, both in ns. */
    record Line(String policy, List<Double> timesNs, List<Double> errorsNs) {}

    static List<Line> lines(SimulationResult result, ErrorView view) {
        List<Line> lines = new ArrayList<>();
        for (PolicyResult p : result.policies()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            downsample(p.series(), view, xs, ys);
            if (xs.isEmpty()) {
                xs.add(0.0);
                ys.add(FLOOR_NS);
            }
            lines.add(new Line(p.policy().id(), xs, ys));
        }
        return lines;
    }

    /** The legend entry: the policy, and "same as X" when its line equals that of an earlier policy X. */
    static List<String> legend(List<Line> lines) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            String name = line.policy();
            for (int j = 0; j < i; j++) {
                Line earlier = lines.get(j);
                if (earlier.timesNs().equals(line.timesNs())
                        && earlier.errorsNs().equals(line.errorsNs())) {
                    name += " (same as " + earlier.policy() + ")";
                    break;
                }
            }
            names.add(name);
        }
        return names;
    }

    static XYChart errorChart(SimulationResult result, ErrorView view) {
        List<Line> lines = lines(result, view);
        double minNs = lines.stream()
                .flatMap(l -> l.errorsNs().stream())
                .mapToDouble(d -> d)
                .min()
                .orElse(FLOOR_NS);
        double maxNs = lines.stream()
                .flatMap(l -> l.errorsNs().stream())
                .mapToDouble(d -> d)
                .max()
                .orElse(FLOOR_NS);
        AxisUnit y = AxisUnit.forLogRange(minNs, Math.max(maxNs, minNs * 10));
        AxisUnit x = AxisUnit.forLinearRange(result.scenario().durationNs());
        return logChart(
                view.title + " - scenario " + result.scenario().name() + ", seed " + result.seed(),
                view.axis,
                x,
                y,
                Styler.LegendPosition.OutsideE,
                legend(lines),
                lines);
    }

    /**
     * A chart of lines against true time with a log error axis: {@code names.get(i)} labels
     * {@code lines.get(i)}, each with its own dash pattern.
     */
    private static XYChart logChart(
            String title,
            String yAxis,
            AxisUnit x,
            AxisUnit y,
            Styler.LegendPosition legendPosition,
            List<String> names,
            List<Line> lines) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("true time since host boot (" + x.label + ")")
                .yAxisTitle(yAxis + " (" + y.label + ", log scale)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        // Plain numbers (0.001, 10,000), never 1E7: the unit in the title carries the scale.
        chart.getStyler().setYAxisDecimalPattern("#,##0.##########");
        chart.getStyler().setLegendPosition(legendPosition);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            XYSeries s = chart.addSeries(
                    names.get(i),
                    line.timesNs().stream().map(x::of).toList(),
                    line.errorsNs().stream().map(y::of).toList());
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(STROKES.get(i % STROKES.size()));
        }
        return chart;
    }

    /** Keeps each bucket's largest value; times and errors in ns, errors floored at {@link #FLOOR_NS}. */
    static void downsample(ErrorSeries series, ErrorView view, List<Double> xs, List<Double> ys) {
        forEachBucket(series.size(), (start, end) -> {
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
                xs.add((double) series.timeNs(worstAt));
                ys.add(Math.max(FLOOR_NS, (double) worst));
            }
        });
    }

    /** What is done with one bucket of sample indices, [start, end). */
    @FunctionalInterface
    interface Bucket {
        void of(int start, int end);
    }

    /** Cuts 0..n into consecutive buckets of equal size, at most {@link #MAX_POINTS} of them. */
    static void forEachBucket(int n, Bucket bucket) {
        int size = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        for (int start = 0; start < n; start += size) {
            bucket.of(start, Math.min(n, start + size));
        }
    }

    /** vmclock errors below 1 ns are drawn at 1 ns (the counter path is often exact to the ns). */
    static final double VMCLOCK_FLOOR_NS = 1;

    /** What a vmclock line shows at each sample instant. */
    enum VmclockView {
        /** Largest |counter-path time - dom0 CLOCK_REALTIME| over the guests (what the bound covers). */
        ERROR_VS_DOM0("|time - dom0 CLOCK_REALTIME|"),
        /** Smallest published maximum error over the guests. */
        BOUND("published max error"),
        /** Largest |counter-path time - true UTC| over the guests (not covered by the bound). */
        ERROR_VS_UTC("|time - true UTC|");

        final String title;

        VmclockView(String title) {
            this.title = title;
        }

        long at(ErrorSeries s, int i) {
            return switch (this) {
                case ERROR_VS_DOM0 -> s.vmclockMaxAbsErrorVsHostNs(i);
                case BOUND -> s.vmclockMinBoundNs(i);
                case ERROR_VS_UTC -> s.vmclockMaxAbsErrorVsUtcNs(i);
            };
        }
    }

    /**
     * The vmclock counter path of the policies that publish one: per policy, the largest error of
     * the guests' reads against dom0's clock (what the bound covers), the smallest bound published
     * with them, and the largest error against true UTC (which the bound does not cover). Log
     * scale; empty when no policy published a usable counter.
     */
    public static Optional<XYChart> vmclockChart(SimulationResult result) {
        List<Line> lines = new ArrayList<>();
        for (PolicyResult p : result.policies()) {
            if (p.vmclock().isEmpty() || p.vmclock().get().counterReads() == 0) {
                continue;
            }
            for (VmclockView view : VmclockView.values()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                downsampleVmclock(p.series(), view, xs, ys);
                lines.add(new Line(p.policy().id() + ": " + view.title, xs, ys));
            }
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        double maxNs = lines.stream()
                .flatMap(l -> l.errorsNs().stream())
                .mapToDouble(d -> d)
                .max()
                .orElse(VMCLOCK_FLOOR_NS);
        AxisUnit y = AxisUnit.forLogRange(VMCLOCK_FLOOR_NS, Math.max(maxNs, 10 * VMCLOCK_FLOOR_NS));
        AxisUnit x = AxisUnit.forLinearRange(result.scenario().durationNs());
        return Optional.of(logChart(
                "vmclock counter path: guests' error and the published bound - scenario "
                        + result.scenario().name() + ", seed " + result.seed(),
                "error, bound",
                x,
                y,
                Styler.LegendPosition.OutsideS,
                lines.stream().map(Line::policy).toList(),
                lines));
    }

    /**
     * At most {@link #MAX_POINTS} points. The error against dom0 and the bound are drawn at the same
     * instant of each bucket, the one where the error is closest to its bound (largest error /
     * bound), so that the gap between the two lines is the least margin of the bucket and a
     * violation shows as the error line above the bound line; the error against true UTC keeps each
     * bucket's peak. Instants without a counter read are skipped; values floored at {@link
     * #VMCLOCK_FLOOR_NS}.
     */
    static void downsampleVmclock(ErrorSeries series, VmclockView view, List<Double> xs, List<Double> ys) {
        forEachBucket(series.size(), (start, end) -> {
            int chosenAt = -1;
            double worst = -1;
            for (int i = start; i < end; i++) {
                long bound = series.vmclockMinBoundNs(i);
                if (bound < 0) {
                    continue;
                }
                double score = view == VmclockView.ERROR_VS_UTC
                        ? series.vmclockMaxAbsErrorVsUtcNs(i)
                        : series.vmclockMaxAbsErrorVsHostNs(i) / Math.max(1.0, bound);
                if (score > worst) {
                    worst = score;
                    chosenAt = i;
                }
            }
            if (chosenAt >= 0) {
                xs.add((double) series.timeNs(chosenAt));
                ys.add(Math.max(VMCLOCK_FLOOR_NS, (double) view.at(series, chosenAt)));
            }
        });
    }

    /** Modelled CPU cost per hour of each policy, in a unit that fits (XChart cannot put bars on a log axis). */
    public static CategoryChart costChart(SimulationResult result) {
        double maxNs = result.policies().stream()
                .mapToDouble(PolicyResult::cpuNsPerHour)
                .max()
                .orElse(0);
        AxisUnit unit = AxisUnit.forLinearRange(maxNs);
        CategoryChart chart = new CategoryChartBuilder()
                .width(800)
                .height(420)
                .title("Modelled CPU cost per hour - scenario "
                        + result.scenario().name())
                .xAxisTitle("policy")
                .yAxisTitle("CPU time per hour (" + unit.label + ")")
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> names = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (PolicyResult p : result.policies()) {
            names.add(p.policy().id());
            costs.add(unit.of(p.cpuNsPerHour()));
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
