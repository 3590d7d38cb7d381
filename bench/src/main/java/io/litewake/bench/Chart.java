package io.litewake.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A headless bar chart of the ratios: Litewake (blue), Litestream (grey), target (red tick). */
final class Chart {
  private Chart() {}

  /** Rows: {label, Litewake ratio, target, Litestream ratio (NaN: none)}. */
  static void write(List<Object[]> rows, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int w = 900;
    int rowH = 46;
    int top = 50;
    int left = 330;
    int h = top + rows.size() * rowH + 40;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("Litewake vs Litestream v0.3.13 (ratios; blue Litewake, grey Litestream, red target)", 10, 25);
    double max = 1.5;
    for (Object[] r : rows) {
      max = Math.max(max, Math.max((double) r[1], Double.isNaN((double) r[3]) ? 0 : (double) r[3]));
    }
    max = Math.min(max * 1.1, 4);
    double scale = (w - left - 60) / max;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < rows.size(); i++) {
      Object[] r = rows.get(i);
      int y = top + i * rowH;
      g.setColor(Color.BLACK);
      g.drawString((String) r[0], 10, y + 22);
      double lw = (double) r[1];
      double ls = (double) r[3];
      g.setColor(new Color(0x2f6fd0));
      g.fillRect(left, y + 4, (int) Math.min(lw * scale, w - left - 20), 16);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%.2f", lw), left + (int) Math.min(lw * scale, w - left - 60) + 4, y + 17);
      if (!Double.isNaN(ls)) {
        g.setColor(new Color(0x999999));
        g.fillRect(left, y + 22, (int) Math.min(ls * scale, w - left - 20), 12);
        g.setColor(Color.BLACK);
        g.drawString(String.format("%.2f", ls), left + (int) Math.min(ls * scale, w - left - 60) + 4, y + 33);
      }
      double target = (double) r[2];
      g.setColor(Color.RED);
      g.setStroke(new BasicStroke(2));
      int tx = left + (int) (target * scale);
      g.drawLine(tx, y + 1, tx, y + 37);
    }
    g.setColor(Color.GRAY);
    int one = left + (int) scale;
    g.drawString("1.0", one - 8, h - 15);
    g.dispose();
    Files.createDirectories(png.getParent());
    ImageIO.write(img, "png", png.toFile());
  }
}
