package dev.storyline.instagram;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link JpegPreparerTest}: prepares one image and prints the
 * size of the JPEG it made, or dies (the test passes {@code -XX:+ExitOnOutOfMemoryError}).
 */
public final class PrepareProbe {
    private PrepareProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[2]);
        JpegPreparer.prepare(Path.of(args[0]), args[1], target);
        BufferedImage out = ImageIO.read(target.toFile());
        System.out.println("prepared " + out.getWidth() + "x" + out.getHeight() + " max heap "
                + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MB");
    }
}
