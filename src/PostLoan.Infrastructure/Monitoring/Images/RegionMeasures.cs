using OpenCvSharp;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Infrastructure.Monitoring.Images;

/// <summary>Decoding and encoding of snapshots.</summary>
internal static class ImageCodec
{
    /// <summary>The image as 8-bit grayscale, or null when the bytes are not an image OpenCV reads.</summary>
    public static Mat? DecodeGray(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        var image = Cv2.ImDecode(bytes, ImreadModes.Grayscale);
        if (image.Empty())
        {
            image.Dispose();
            return null;
        }

        return image;
    }

    public static byte[] EncodeJpeg(Mat image) => image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
}

/// <summary>
/// The image measures behind a region's change score. Regions are compared at half resolution (a pyramid step, which
/// also removes sensor noise) after normalising each region to mean 128 and standard deviation 48, so that a global
/// brightness, contrast or gamma change and the slow gradient of a lamp largely cancel out; then SSIM (Gaussian window
/// σ = 1.5, 7×7) and the density of Canny edges are measured on the normalised regions.
/// </summary>
internal static class RegionMeasures
{
    public const int AlignmentScale = 4;
    private const double NormalisedMean = 128, NormalisedDeviation = 48, MinDeviation = 2;
    private const double CannyLow = 60, CannyHigh = 150;
    private const double C1 = 0.01 * 255 * 0.01 * 255, C2 = 0.03 * 255 * 0.03 * 255;
    private static readonly Size Window = new(7, 7);
    private const double WindowSigma = 1.5;

    /// <summary>The region of a full-resolution grayscale image, halved and normalised, as 32-bit floats; its edge
    /// density comes with it.</summary>
    public static Mat Normalise(Mat gray, Rect rect, out double edgeDensity)
    {
        using var half = new Mat();
        Cv2.PyrDown(gray[rect], half);
        Cv2.MeanStdDev(half, out var mean, out var deviation);
        var alpha = NormalisedDeviation / Math.Max(deviation.Val0, MinDeviation);
        using var normalised = new Mat();
        half.ConvertTo(normalised, MatType.CV_8UC1, alpha, NormalisedMean - mean.Val0 * alpha);
        using var edges = new Mat();
        Cv2.Canny(normalised, edges, CannyLow, CannyHigh);
        edgeDensity = Cv2.CountNonZero(edges) / (double)(edges.Rows * edges.Cols);
        var values = new Mat();
        normalised.ConvertTo(values, MatType.CV_32FC1);
        return values;
    }

    public static Mat Blur(Mat values)
    {
        var blurred = new Mat();
        Cv2.GaussianBlur(values, blurred, Window, WindowSigma);
        return blurred;
    }

    /// <summary>Mean SSIM of the current region against the prepared base region:
    /// <c>(2μ₁μ₂ + C₁)(2σ₁₂ + C₂) / ((μ₁² + μ₂² + C₁)(σ₁² + σ₂² + C₂))</c> averaged over the region.</summary>
    public static double Ssim(PreparedRegion reference, Mat current)
    {
        using var mu2 = Blur(current);
        using var work = new Mat();
        Cv2.Multiply(current, current, work);
        using var sigma2 = Blur(work);
        Cv2.Multiply(reference.Values, current, work);
        using var sigma12 = Blur(work);
        using var mu12 = new Mat();
        Cv2.Multiply(reference.Mean, mu2, mu12);
        Cv2.Multiply(mu2, mu2, work);
        Cv2.Subtract(sigma2, work, sigma2);
        Cv2.Subtract(sigma12, mu12, sigma12);

        using var denominator = new Mat();
        Cv2.Add(reference.MeanSquared, work, work);
        work.ConvertTo(work, -1, 1, C1);
        Cv2.Add(reference.Variance, sigma2, denominator);
        denominator.ConvertTo(denominator, -1, 1, C2);
        Cv2.Multiply(work, denominator, denominator);

        mu12.ConvertTo(mu12, -1, 2, C1);
        sigma12.ConvertTo(sigma12, -1, 2, C2);
        Cv2.Multiply(mu12, sigma12, work);
        Cv2.Divide(work, denominator, work);
        return Cv2.Mean(work).Val0;
    }

    /// <summary>The grayscale image reduced by <see cref="AlignmentScale"/> as floats and multiplied by the Hanning
    /// window (which keeps the image borders out of the phase correlation).</summary>
    public static Mat AlignmentImage(Mat gray, Mat window)
    {
        using var small = new Mat();
        Cv2.Resize(gray, small, AlignmentSize(gray), 0, 0, InterpolationFlags.Area);
        var values = new Mat();
        small.ConvertTo(values, MatType.CV_32FC1);
        Cv2.Multiply(values, window, values);
        return values;
    }

    public static Size AlignmentSize(Mat gray) => new(gray.Width / AlignmentScale, gray.Height / AlignmentScale);

    /// <summary>How far the scene moved from the base to the current image, in full-resolution pixels.</summary>
    /// <remarks>The window is applied here rather than passed to <c>phaseCorrelate</c>, which multiplies its inputs by
    /// the window in place when their size is already a good DFT size, and so would alter the shared base image.</remarks>
    public static (double X, double Y) Shift(Mat baseAlignment, Mat window, Mat current)
    {
        using var small = AlignmentImage(current, window);
        using var noWindow = new Mat();
        var shift = Cv2.PhaseCorrelate(baseAlignment, small, noWindow, out _);
        return (shift.X * AlignmentScale, shift.Y * AlignmentScale);
    }

    /// <summary>The rectangle moved by the camera shift, kept inside the image.</summary>
    public static Rect Shifted(PixelRect rect, int dx, int dy, int width, int height) => new(
        Math.Clamp(rect.X + dx, 0, width - rect.Width), Math.Clamp(rect.Y + dy, 0, height - rect.Height), rect.Width, rect.Height);

    public static Rect ToRect(PixelRect rect) => new(rect.X, rect.Y, rect.Width, rect.Height);
}

/// <summary>A base region ready for comparison: its normalised values, their local mean, squared mean and variance
/// under the SSIM window, and its edge density.</summary>
internal sealed class PreparedRegion : IDisposable
{
    private PreparedRegion(ComparisonRegion region, Mat values, Mat mean, Mat meanSquared, Mat variance, double edgeDensity)
    {
        Region = region;
        Values = values;
        Mean = mean;
        MeanSquared = meanSquared;
        Variance = variance;
        EdgeDensity = edgeDensity;
    }

    public ComparisonRegion Region { get; }
    public Mat Values { get; }
    public Mat Mean { get; }
    public Mat MeanSquared { get; }
    public Mat Variance { get; }
    public double EdgeDensity { get; }

    public static PreparedRegion Prepare(ComparisonRegion region, Mat gray)
    {
        var values = RegionMeasures.Normalise(gray, RegionMeasures.ToRect(region.Rect), out var edgeDensity);
        var mean = RegionMeasures.Blur(values);
        var meanSquared = new Mat();
        Cv2.Multiply(mean, mean, meanSquared);
        using var squared = new Mat();
        Cv2.Multiply(values, values, squared);
        var variance = RegionMeasures.Blur(squared);
        Cv2.Subtract(variance, meanSquared, variance);
        return new PreparedRegion(region, values, mean, meanSquared, variance, edgeDensity);
    }

    public void Dispose()
    {
        Values.Dispose();
        Mean.Dispose();
        MeanSquared.Dispose();
        Variance.Dispose();
    }
}
