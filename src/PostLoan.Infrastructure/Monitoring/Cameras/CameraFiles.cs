using System.Globalization;
using System.Security.Cryptography;
using OpenCvSharp;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Infrastructure.Monitoring.Cameras;

/// <summary>
/// The camera files under the snapshot root besides the snapshots: approved base images
/// (<c>bases/{site}/{device}/…</c>) and alarm evidence (<c>evidence/{site}/{device}/{snapshot}-base.jpg</c>, <c>-current.jpg</c>).
/// Paths are stored relative to the root with forward slashes; <see cref="Resolve"/> never leaves the root.
/// </summary>
public sealed class CameraFiles(MonitoringOptions options)
{
    /// <summary>Height of each crop in an evidence image.</summary>
    public const int EvidenceHeight = 240;

    /// <summary>Width of a thumbnail.</summary>
    public const int ThumbnailWidth = 320;

    public string Root => Path.GetFullPath(options.SnapshotsPath);

    /// <summary>The full path of a stored relative path; null when it would leave the root.</summary>
    public string? Resolve(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relative));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>Reads a stored file; null when it is missing.</summary>
    public async Task<byte[]?> ReadAsync(string relative, CancellationToken cancellationToken)
    {
        var full = Resolve(relative);
        return full is not null && File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken) : null;
    }

    /// <summary>Writes a base image; returns its relative path and SHA-256.</summary>
    public async Task<(string Path, string Sha256)> WriteBaseImageAsync(int siteId, int deviceId, byte[] jpeg, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(jpeg));
        var relative = string.Create(CultureInfo.InvariantCulture, $"bases/{siteId}/{deviceId}/{at.UtcDateTime:yyyyMMddHHmmssfff}-{sha[..12]}.jpg");
        await WriteAsync(relative, jpeg, cancellationToken);
        return (relative, sha);
    }

    /// <summary>Writes the evidence of a comparison: the base crops side by side, and the current crops side by side.</summary>
    public async Task<(string BasePath, string CurrentPath)> WriteEvidenceAsync(int siteId, int deviceId, long snapshotId, IReadOnlyList<RegionEvidence> evidence, CancellationToken cancellationToken)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"evidence/{siteId}/{deviceId}/{snapshotId}");
        var basePath = prefix + "-base.jpg";
        var currentPath = prefix + "-current.jpg";
        await WriteAsync(basePath, Montage(evidence.Select(e => e.BaseJpeg)), cancellationToken);
        await WriteAsync(currentPath, Montage(evidence.Select(e => e.CurrentJpeg)), cancellationToken);
        return (basePath, currentPath);
    }

    /// <summary>A JPEG scaled to <see cref="ThumbnailWidth"/> pixels wide (the image itself when narrower or unreadable).</summary>
    public static byte[] Thumbnail(byte[] jpeg)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (image.Empty() || image.Width <= ThumbnailWidth)
        {
            return jpeg;
        }

        using var small = new Mat();
        Cv2.Resize(image, small, new Size(ThumbnailWidth, Math.Max(1, image.Height * ThumbnailWidth / image.Width)), interpolation: InterpolationFlags.Area);
        return small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 80));
    }

    /// <summary>Crops scaled to one height and placed side by side with a white gap.</summary>
    private static byte[] Montage(IEnumerable<byte[]> crops)
    {
        var parts = new List<Mat>();
        try
        {
            foreach (var crop in crops)
            {
                using var image = Cv2.ImDecode(crop, ImreadModes.Color);
                var width = Math.Max(1, image.Width * EvidenceHeight / Math.Max(1, image.Height));
                var scaled = new Mat();
                Cv2.Resize(image, scaled, new Size(width, EvidenceHeight), interpolation: InterpolationFlags.Area);
                if (parts.Count > 0)
                {
                    parts.Add(new Mat(EvidenceHeight, 8, MatType.CV_8UC3, Scalar.White));
                }

                parts.Add(scaled);
            }

            using var joined = new Mat();
            Cv2.HConcat(parts.ToArray(), joined);
            return joined.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    private async Task WriteAsync(string relative, byte[] bytes, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, file, overwrite: true);
    }
}
