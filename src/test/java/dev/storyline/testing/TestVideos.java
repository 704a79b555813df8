package dev.storyline.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Small but well-formed MP4 and QuickTime files for tests and benchmarks, written box by box as ISO
 * BMFF says (ftyp, moov with mvhd and one video trak whose stsd names the codec, then mdat): the
 * duration, size, dimensions and codec are whatever the test needs, so no ffmpeg is needed to make
 * a 90-second or an MPEG-4 Part 2 video. The frames are noise: a reader of metadata never decodes them.
 */
public final class TestVideos {
    private TestVideos() {
    }

    /** An MP4 ({@code .mp4}) or QuickTime ({@code quicktime} true, {@code .mov}) file; {@code codec} like avc1, hvc1, mp4v. */
    public static Path write(Path file, double seconds, int width, int height, String codec, long payloadBytes, boolean quicktime) {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ftyp(quicktime));
            out.write(moov(seconds, width, height, codec, quicktime));
            writeMdat(out, payloadBytes, file.getFileName().toString().hashCode());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An H.264 MP4 of {@code seconds} at 1080×1920 with 64 KB of frames. */
    public static Path mp4(Path file, double seconds) {
        return write(file, seconds, 1080, 1920, "avc1", 64 * 1024, false);
    }

    private static byte[] ftyp(boolean quicktime) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.write(ascii(quicktime ? "qt  " : "isom"));
        d.writeInt(quicktime ? 0x200 : 0x200);
        for (String brand : quicktime ? new String[]{"qt  "} : new String[]{"isom", "iso2", "avc1", "mp41"}) {
            d.write(ascii(brand));
        }
        return box("ftyp", body.toByteArray());
    }

    private static byte[] moov(double seconds, int width, int height, String codec, boolean quicktime) throws IOException {
        int timescale = 1000;
        long duration = Math.round(seconds * timescale);
        return box("moov", mvhd(timescale, duration), box("trak", tkhd(duration, width, height),
                box("mdia", mdhd(timescale, duration), hdlr(quicktime), box("minf", vmhd(), dinf(),
                        box("stbl", stsd(codec, width, height), empty("stts", 1), empty("stsc", 1), empty("stsz", 2), empty("stco", 1))))));
    }

    private static byte[] mvhd(int timescale, long duration) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0); // version 0, flags
        d.writeInt(0);
        d.writeInt(0);
        d.writeInt(timescale);
        d.writeInt((int) duration);
        d.writeInt(0x00010000); // rate 1.0
        d.writeShort(0x0100); // volume 1.0
        d.write(new byte[10]);
        matrix(d);
        d.write(new byte[24]);
        d.writeInt(2); // next track id
        return box("mvhd", body.toByteArray());
    }

    private static byte[] tkhd(long duration, int width, int height) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(3); // version 0, flags enabled|in movie
        d.writeInt(0);
        d.writeInt(0);
        d.writeInt(1); // track id
        d.writeInt(0);
        d.writeInt((int) duration);
        d.write(new byte[8]);
        d.writeShort(0); // layer
        d.writeShort(0); // alternate group
        d.writeShort(0); // volume
        d.writeShort(0);
        matrix(d);
        d.writeInt(width << 16);
        d.writeInt(height << 16);
        return box("tkhd", body.toByteArray());
    }

    private static byte[] mdhd(int timescale, long duration) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0);
        d.writeInt(0);
        d.writeInt(0);
        d.writeInt(timescale);
        d.writeInt((int) duration);
        d.writeShort(0x55c4); // language "und"
        d.writeShort(0);
        return box("mdhd", body.toByteArray());
    }

    /** ISO: a C string name; QuickTime: component type mhlr and a Pascal string name. */
    private static byte[] hdlr(boolean quicktime) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0);
        d.write(quicktime ? ascii("mhlr") : new byte[4]);
        d.write(ascii("vide"));
        d.write(new byte[12]);
        if (quicktime) {
            d.writeByte(12);
            d.write(ascii("VideoHandler"));
        } else {
            d.write(ascii("VideoHandler\0"));
        }
        return box("hdlr", body.toByteArray());
    }

    private static byte[] vmhd() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(1);
        d.write(new byte[8]);
        return box("vmhd", body.toByteArray());
    }

    private static byte[] dinf() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0);
        d.writeInt(1);
        d.write(box("url ", new byte[]{0, 0, 0, 1}));
        return box("dinf", box("dref", body.toByteArray()));
    }

    private static byte[] stsd(String codec, int width, int height) throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        DataOutputStream e = new DataOutputStream(entry);
        e.write(new byte[6]);
        e.writeShort(1); // data reference index
        e.write(new byte[16]);
        e.writeShort(width);
        e.writeShort(height);
        e.writeInt(0x00480000);
        e.writeInt(0x00480000);
        e.writeInt(0);
        e.writeShort(1); // frame count
        e.write(new byte[32]); // compressor name
        e.writeShort(0x18);
        e.writeShort(-1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0);
        d.writeInt(1);
        d.write(box(codec, entry.toByteArray()));
        return box("stsd", body.toByteArray());
    }

    /** A full box of {@code ints} zero integers after its version and flags (an empty sample table). */
    private static byte[] empty(String type, int ints) {
        return box(type, new byte[4 + 4 * ints]);
    }

    private static void matrix(DataOutputStream d) throws IOException {
        int[] unity = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
        for (int v : unity) {
            d.writeInt(v);
        }
    }

    private static void writeMdat(OutputStream out, long payload, long seed) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt((int) (payload + 8));
        d.write(ascii("mdat"));
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 16];
        for (long left = payload; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            d.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        d.flush();
    }

    private static byte[] box(String type, byte[]... children) {
        int size = 8;
        for (byte[] c : children) {
            size += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(size >>> 24);
        out.write(size >>> 16);
        out.write(size >>> 8);
        out.write(size);
        out.writeBytes(ascii(type));
        for (byte[] c : children) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
