using OpenCvSharp;

namespace PostLoan.Infrastructure.Monitoring.Simulation;

/// <summary>
/// A synthetic warehouse snapshot (模拟现图) drawn with OpenCV: a floor, racks and pallets of boxes; fewer boxes once goods
/// leave. Deterministic for a seed, so consecutive snapshots differ only by what changed and a little sensor noise.
/// </summary>
public static class WarehouseImage
{
    /// <summary>A JPEG of <paramref name="width"/>×<paramref name="height"/> with <paramref name="boxes"/> of 24 box places filled.</summary>
    public static byte[] Jpeg(int seed, int boxes, int width = 1280, int height = 720, int noiseSeed = 0)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(150, 150, 145));
        Cv2.Rectangle(image, new Rect(0, height * 2 / 3, width, height / 3), new Scalar(110, 115, 120), -1);
        var random = new Random(seed);
        for (var place = 0; place < 24; place++)
        {
            var column = place % 8;
            var row = place / 8;
            var x = 40 + column * (width - 80) / 8;
            var y = height / 5 + row * height / 5;
            var box = new Rect(x, y, (width - 80) / 8 - 20, height / 5 - 20);
            Cv2.Rectangle(image, box, new Scalar(60, 60, 60), 2);
            if (place < boxes)
            {
                var tint = random.Next(40);
                Cv2.Rectangle(image, box, new Scalar(70 + tint, 120 + tint, 170 + tint), -1);
                Cv2.Line(image, new Point(box.Left, box.Top + box.Height / 2), new Point(box.Right, box.Top + box.Height / 2), new Scalar(40, 80, 120), 3);
            }
        }

        using var noise = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(3, 3, 3));
        Cv2.Add(image, noise, image);
        Cv2.PutText(image, $"CAM {seed} #{noiseSeed}", new Point(20, 30), HersheyFonts.HersheySimplex, 0.8, new Scalar(255, 255, 255), 2);
        return image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }
}
