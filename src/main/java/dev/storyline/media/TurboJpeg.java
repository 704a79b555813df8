package dev.storyline.media;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.Structure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;
import java.util.Optional;

/**
 * libjpeg-turbo's TurboJPEG API (Debian's {@code libturbojpeg0}), used when the host has it: it decodes
 * a JPEG straight to a fraction of its size (the scaled inverse DCT skips most of the work a full
 * decode and a later shrink do) and encodes with SIMD. Without the library (or with
 * {@code -Dstoryline.turbojpeg=off}) {@link #available()} is false and callers use ImageIO, which
 * gives the same pictures more slowly. The JDK's own JPEG reader is native libjpeg too, so a hostile
 * file meets the same kind of code either way; here every call also refuses pictures whose decoded
 * size would exceed {@link #MAX_DECODED_PIXELS} and limits progressive scans.
 */
public final class TurboJpeg {
    private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
    /** The largest picture a decode here produces (after scaling): 16 MP, 48 MB of pixels. */
    public static final long MAX_DECODED_PIXELS = 16L * 1024 * 1024;
    private static final int TJPF_BGR = 1;
    private static final int TJSAMP_420 = 2;
    private static final int TJFLAG_LIMITSCANS = 32768;

    /** The C functions used, as turbojpeg.h (libjpeg-turbo 2.x) declares them. */
    interface Lib extends Library {
        Pointer tjInitDecompress();

        Pointer tjInitCompress();

        int tjDestroy(Pointer handle);

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, IntByReference width, IntByReference height,
                                IntByReference subsamp, IntByReference colorspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, Pointer dst, int width, int pitch, int height, int pixelFormat,
                          int flags);

        int tjCompress2(Pointer handle, byte[] src, int width, int pitch, int height, int pixelFormat, PointerByReference jpeg,
                        NativeLongByReference size, int subsamp, int quality, int flags);

        void tjFree(Pointer buffer);

        String tjGetErrorStr2(Pointer handle);

        Pointer tjGetScalingFactors(IntByReference count);
    }

    /** {@code tjscalingfactor}: num/denom. */
    @Structure.FieldOrder({"num", "denom"})
    public static final class ScalingFactor extends Structure {
        public int num;
        public int denom;

        public ScalingFactor() {
        }

        ScalingFactor(Pointer p) {
            super(p);
            read();
        }
    }

    private static final Lib LIB = load();
    private static final int[][] FACTORS = LIB == null ? new int[0][] : factors(LIB);

    private TurboJpeg() {
    }

    private static Lib load() {
        if ("off".equalsIgnoreCase(System.getProperty("storyline.turbojpeg", ""))) {
            return null;
        }
        for (String name : List.of("turbojpeg", "libturbojpeg.so.0")) {
            try {
                return Native.load(name, Lib.class);
            } catch (LinkageError | RuntimeException e) {
                LOG.debug("TurboJPEG as '{}' not loaded: {}", name, e.getMessage());
            }
        }
        LOG.info("libturbojpeg is not installed: thumbnails are made with ImageIO (slower; apt-get install libturbojpeg0)");
        return null;
    }

    private static int[][] factors(Lib lib) {
        IntByReference count = new IntByReference();
        Pointer array = lib.tjGetScalingFactors(count);
        if (array == null) {
            return new int[0][];
        }
        int size = new ScalingFactor().size();
        int[][] factors = new int[count.getValue()][];
        for (int i = 0; i < factors.length; i++) {
            ScalingFactor f = new ScalingFactor(array.share((long) i * size));
            factors[i] = new int[] {f.num, f.denom};
        }
        return factors;
    }

    /** Whether the library was found and loaded. */
    public static boolean available() {
        return LIB != null;
    }

    /** A picture's stored size, from its header. */
    public record Size(int width, int height) {
    }

    /**
     * Decodes {@code jpeg} at the smallest of the library's scales that is still at least
     * {@code minWidth} wide (full size when the picture is narrower), as a {@code TYPE_3BYTE_BGR}
     * image; empty when the library is missing or the data is not a JPEG it can decode (a CMYK
     * file, say), so the caller can try ImageIO. A picture of more than {@code maxSourcePixels} is not decoded.
     */
    public static Optional<BufferedImage> decodeAtLeast(byte[] jpeg, int minWidth, long maxSourcePixels) {
        if (LIB == null) {
            return Optional.empty();
        }
        Pointer handle = LIB.tjInitDecompress();
        if (handle == null) {
            return Optional.empty();
        }
        try {
            NativeLong length = new NativeLong(jpeg.length);
            IntByReference w = new IntByReference();
            IntByReference h = new IntByReference();
            if (LIB.tjDecompressHeader3(handle, jpeg, length, w, h, new IntByReference(), new IntByReference()) != 0
                    || w.getValue() <= 0 || h.getValue() <= 0 || (long) w.getValue() * h.getValue() > maxSourcePixels) {
                return Optional.empty();
            }
            int[] scaled = scaled(w.getValue(), h.getValue(), minWidth);
            if ((long) scaled[0] * scaled[1] > MAX_DECODED_PIXELS) {
                return Optional.empty();
            }
            BufferedImage image = new BufferedImage(scaled[0], scaled[1], BufferedImage.TYPE_3BYTE_BGR);
            byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            Memory dst = new Memory(pixels.length);
            try {
                if (LIB.tjDecompress2(handle, jpeg, length, dst, scaled[0], 0, scaled[1], TJPF_BGR, TJFLAG_LIMITSCANS) != 0) {
                    LOG.debug("TurboJPEG could not decode: {}", LIB.tjGetErrorStr2(handle));
                    return Optional.empty();
                }
                dst.read(0, pixels, 0, pixels.length);
            } finally {
                dst.close();
            }
            return Optional.of(image);
        } finally {
            LIB.tjDestroy(handle);
        }
    }

    /** The size a decode for {@code minWidth} gives: the smallest scale at least that wide, or full size. */
    static int[] scaled(int width, int height, int minWidth) {
        int bestW = width;
        int bestH = height;
        for (int[] f : FACTORS) {
            int sw = (width * f[0] + f[1] - 1) / f[1];
            int sh = (height * f[0] + f[1] - 1) / f[1];
            if (sw >= minWidth && sw < bestW) {
                bestW = sw;
                bestH = sh;
            }
        }
        return new int[] {bestW, bestH};
    }

    /** Encodes a {@code TYPE_3BYTE_BGR} image as a 4:2:0 JPEG of this quality (1–100); empty when the library is missing. */
    public static Optional<byte[]> encode(BufferedImage bgr, int quality) {
        if (LIB == null || bgr.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            return Optional.empty();
        }
        Pointer handle = LIB.tjInitCompress();
        if (handle == null) {
            return Optional.empty();
        }
        try {
            byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
            PointerByReference out = new PointerByReference();
            NativeLongByReference size = new NativeLongByReference();
            if (LIB.tjCompress2(handle, pixels, bgr.getWidth(), 0, bgr.getHeight(), TJPF_BGR, out, size, TJSAMP_420, quality, 0) != 0) {
                LOG.debug("TurboJPEG could not encode: {}", LIB.tjGetErrorStr2(handle));
                return Optional.empty();
            }
            try {
                return Optional.of(out.getValue().getByteArray(0, Math.toIntExact(size.getValue().longValue())));
            } finally {
                LIB.tjFree(out.getValue());
            }
        } finally {
            LIB.tjDestroy(handle);
        }
    }
}
