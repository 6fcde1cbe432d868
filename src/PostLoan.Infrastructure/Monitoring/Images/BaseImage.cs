using System.Globalization;
using OpenCvSharp;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Infrastructure.Monitoring.Images;

/// <summary>
/// A camera's approved base image (底图) prepared once for its policy: the normalised regions with their local
/// statistics and edge densities, and the reduced image the camera shift is measured against. Load it when the base
/// image or the policy changes and keep it per camera; <see cref="SnapshotComparer"/> reads it from several threads.
/// </summary>
public sealed class BaseImage : IDisposable
{
    private readonly byte[] jpeg;

    private BaseImage(byte[] jpeg, ComparisonPolicy policy, int width, int height, Mat alignment, Mat alignmentWindow, PreparedRegion[] regions)
    {
        AlignmentWindow = alignmentWindow;
        this.jpeg = jpeg;
        Policy = policy;
        Width = width;
        Height = height;
        Alignment = alignment;
        Regions = regions;
    }

    public ComparisonPolicy Policy { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The grayscale image reduced and windowed for phase correlation (32-bit float).</summary>
    internal Mat Alignment { get; }

    /// <summary>The Hanning window that keeps the image borders out of the phase correlation.</summary>
    internal Mat AlignmentWindow { get; }

    internal PreparedRegion[] Regions { get; }

    /// <summary>Decodes the JPEG (or PNG) base image and prepares it for the policy; fails naming the field when the
    /// image cannot be decoded or the policy does not fit it.</summary>
    public static Result<BaseImage> Load(byte[] image, ComparisonPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(policy);
        using var gray = ImageCodec.DecodeGray(image);
        if (gray is null)
        {
            return Error.Validation("baseImage", "is not a readable JPEG or PNG image");
        }

        var errors = policy.Validate(gray.Width, gray.Height);
        if (errors.Count > 0)
        {
            return errors[0];
        }

        var regions = new PreparedRegion[policy.Regions.Count];
        for (var i = 0; i < regions.Length; i++)
        {
            regions[i] = PreparedRegion.Prepare(policy.Regions[i], gray);
        }

        var window = new Mat();
        Cv2.CreateHanningWindow(window, RegionMeasures.AlignmentSize(gray), MatType.CV_32FC1);
        return new BaseImage(image, policy, gray.Width, gray.Height, RegionMeasures.AlignmentImage(gray, window), window, regions);
    }

    /// <summary>The base image in colour, for evidence crops.</summary>
    internal Mat DecodeColour() => Cv2.ImDecode(jpeg, ImreadModes.Color);

    public void Dispose()
    {
        Alignment.Dispose();
        AlignmentWindow.Dispose();
        foreach (var region in Regions)
        {
            region.Dispose();
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"base image {Width}×{Height}, {Regions.Length} regions");
}
