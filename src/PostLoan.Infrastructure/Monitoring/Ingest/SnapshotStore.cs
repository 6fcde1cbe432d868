using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>A stored snapshot: its row id, and whether the same image had been stored before.</summary>
public readonly record struct StoredSnapshot(long Id, bool Duplicate, string Path);

/// <summary>
/// Keeps camera snapshots (现图): the JPEG is checked (markers and frame size), written under
/// <c>{root}/{site}/{device}/yyyy/MM/dd/</c> (site's local date) through a temporary file, then recorded in
/// <c>device_snapshots</c> with its size, time and SHA-256; the same image sent again is the same snapshot. A new
/// snapshot signals the camera comparison (<see cref="CameraComparisonWorker"/>).
/// </summary>
public sealed class SnapshotStore(DatabaseOptions database, MonitoringOptions options, TimeProvider clock, SnapshotSignal signal)
{
    /// <summary>Largest snapshot accepted.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>The root directory of snapshot files.</summary>
    public string Root => Path.GetFullPath(options.SnapshotsPath);

    public async Task<Result<StoredSnapshot>> SaveAsync(DeviceInfo device, byte[] jpeg, DateTimeOffset takenAt, CancellationToken cancellationToken = default)
    {
        if (device.Kind != DeviceKind.WarehouseCamera)
        {
            return Error.Validation("snapshot.kind", "snapshot: only warehouse cameras send snapshots");
        }

        var size = JpegSize(jpeg);
        if (size is null)
        {
            return Error.Validation("snapshot.image", $"image: not a JPEG (or larger than {MaxBytes / (1024 * 1024)} MB)");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(jpeg));
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var existing = await db.DeviceSnapshots.Where(s => s.DeviceId == device.Id && s.Sha256 == sha).Select(s => new { s.Id, s.Path }).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return new StoredSnapshot(existing.Id, true, existing.Path);
        }

        var local = takenAt.ToOffset(TimeSpan.FromMinutes(device.UtcOffsetMinutes));
        var relative = string.Create(CultureInfo.InvariantCulture,
            $"{device.SiteId}/{device.Id}/{local:yyyy}/{local:MM}/{local:dd}/{local:HHmmssfff}-{sha[..12]}.jpg");
        var file = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(jpeg, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await using (var insert = BulkWriter.Command(connection, tx, """
            INSERT INTO device_snapshots ("DeviceId", "SiteId", "CustomerId", "TakenAt", "ReceivedAt", "Path", "SizeBytes", "Width", "Height", "Sha256", "OrganisationPath", "AccountManagerId")
            VALUES (@device, @site, @customer, @taken, @received, @path, @size, @width, @height, @sha, @org, @am)
            ON CONFLICT ("DeviceId", "Sha256") DO NOTHING
            """,
            "device", device.Id, "site", device.SiteId, "customer", device.CustomerId, "taken", takenAt.ToUniversalTime(), "received", now,
            "path", relative, "size", (long)jpeg.Length, "width", size.Value.Width, "height", size.Value.Height, "sha", sha,
            "org", device.OrganisationPath, "am", device.AccountManagerId))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var seen = BulkWriter.Command(connection, tx, "UPDATE devices SET \"LastSeenAt\" = @now WHERE \"Id\" = @id", "now", now, "id", device.Id))
        {
            await seen.ExecuteNonQueryAsync(cancellationToken);
        }

        long id;
        await using (var select = BulkWriter.Command(connection, tx, "SELECT \"Id\" FROM device_snapshots WHERE \"DeviceId\" = @device AND \"Sha256\" = @sha", "device", device.Id, "sha", sha))
        {
            id = Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        await tx.CommitAsync(cancellationToken);
        signal.Notify();
        return new StoredSnapshot(id, false, relative);
    }

    /// <summary>Width and height from a JPEG's start-of-frame marker; null when the bytes are not a whole JPEG.</summary>
    public static (int Width, int Height)? JpegSize(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg.Length > MaxBytes || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[^2] != 0xFF || jpeg[^1] != 0xD9)
        {
            return null;
        }

        var i = 2;
        while (i + 9 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
            {
                return null;
            }

            var marker = jpeg[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(i + 2)..]);
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                var height = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(i + 5)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(i + 7)..]);
                return width > 0 && height > 0 ? (width, height) : null;
            }

            i += 2 + length;
        }

        return null;
    }
}
