package dev.dmap.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Backlog per model over time, one panel per strategy side by side, drawn with XChart. */
final class BacklogChart {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;

    private BacklogChart() {
    }

    static void write(Path png, String title, List<RunResult> runs) throws IOException {
        double yMax = runs.stream().flatMap(run -> Figures.backlogSeries(run, 300).values().stream())
                .flatMap(List::stream).mapToDouble(point -> point[1]).max().orElse(1);
        BufferedImage combined = new BufferedImage(WIDTH * runs.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = combined.createGraphics();
        for (int i = 0; i < runs.size(); i++) {
            XYChart chart = chart(title + ": " + runs.get(i).strategy(), runs.get(i), yMax);
            graphics.drawImage(BitmapEncoder.getBufferedImage(chart), WIDTH * i, 0, null);
        }
        graphics.dispose();
        ImageIO.write(combined, "png", png.toFile());
    }

    private static XYChart chart(String title, RunResult run, double yMax) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("seconds since the first submit (scaled time)").yAxisTitle("requests waiting or in flight").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMax(yMax * 1.05);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("#0.0");
        chart.getStyler().setYAxisDecimalPattern("#0");
        for (Map.Entry<String, List<double[]>> series : Figures.backlogSeries(run, 300).entrySet()) {
            double[] x = series.getValue().stream().mapToDouble(point -> point[0]).toArray();
            double[] y = series.getValue().stream().mapToDouble(point -> point[1]).toArray();
            XYSeries line = chart.addSeries(series.getKey(), x, y);
            line.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }
}
