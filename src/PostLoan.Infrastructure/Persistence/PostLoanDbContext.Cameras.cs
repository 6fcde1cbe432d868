using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Warehouse cameras (质押物监控, docs/warehouse-images.md): policies, approved base images, comparisons of snapshots.</summary>
public abstract partial class PostLoanDbContext
{
    /// <summary>How regions and region scores are kept in a text column (camelCase, roles and verdicts as names).</summary>
    public static readonly JsonSerializerOptions CameraJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public DbSet<CameraPolicy> CameraPolicies => Set<CameraPolicy>();

    public DbSet<CameraBaseImage> CameraBaseImages => Set<CameraBaseImage>();

    public DbSet<CameraComparison> CameraComparisons => Set<CameraComparison>();

    partial void ConfigureCameras(ModelBuilder builder)
    {
        builder.Entity<CameraPolicy>(b =>
        {
            b.ToTable("camera_policies");
            b.HasKey(p => p.DeviceId);
            b.Property(p => p.DeviceId).ValueGeneratedNever();
            b.Property(p => p.Regions).HasMaxLength(8000).HasConversion(
                v => JsonSerializer.Serialize(v, CameraJson),
                v => JsonSerializer.Deserialize<List<ComparisonRegion>>(v, CameraJson) ?? new List<ComparisonRegion>(),
                ListComparer<ComparisonRegion>());
            b.Property(p => p.UpdatedBy).HasMaxLength(64);
            b.Property(p => p.OrganisationPath).HasMaxLength(200);
            b.Property(p => p.AccountManagerId).HasMaxLength(64);
            b.Ignore(p => p.State);
            // A new base image or policy bumps the version: a comparison batch begun on the old one is not stored.
            b.Property(p => p.Version).IsConcurrencyToken();
            b.HasIndex(p => p.SiteId);
            b.HasOne<Device>().WithMany().HasForeignKey(p => p.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<CameraBaseImage>().WithMany().HasForeignKey(p => p.BaseImageId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(p => ScopeIsSystem
                || (p.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || p.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || p.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<CameraBaseImage>(b =>
        {
            b.ToTable("camera_base_images");
            b.Property(i => i.Path).HasMaxLength(300);
            b.Property(i => i.Sha256).HasMaxLength(64);
            b.Property(i => i.ApprovedBy).HasMaxLength(64);
            b.Property(i => i.OrganisationPath).HasMaxLength(200);
            b.Property(i => i.AccountManagerId).HasMaxLength(64);
            b.HasIndex(i => new { i.DeviceId, i.ApprovedAt });
            b.HasOne<Device>().WithMany().HasForeignKey(i => i.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(i => ScopeIsSystem
                || (i.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || i.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || i.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<CameraComparison>(b =>
        {
            b.ToTable("camera_comparisons");
            b.HasKey(c => c.SnapshotId);
            b.Property(c => c.SnapshotId).ValueGeneratedNever();
            b.Property(c => c.Regions).HasMaxLength(12000).HasConversion(
                v => JsonSerializer.Serialize(v, CameraJson),
                v => JsonSerializer.Deserialize<List<RegionScore>>(v, CameraJson) ?? new List<RegionScore>(),
                ListComparer<RegionScore>());
            b.Property(c => c.EvidenceBasePath).HasMaxLength(300);
            b.Property(c => c.EvidenceCurrentPath).HasMaxLength(300);
            b.Property(c => c.Note).HasMaxLength(1000);
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.Property(c => c.AccountManagerId).HasMaxLength(64);
            b.HasIndex(c => new { c.DeviceId, c.SnapshotId });
            b.HasIndex(c => new { c.RaisesAlarm, c.AlarmId });
            b.HasOne<DeviceSnapshot>().WithOne().HasForeignKey<CameraComparison>(c => c.SnapshotId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<CameraBaseImage>().WithMany().HasForeignKey(c => c.BaseImageId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.CustomerId == ScopeCustomerId)));
        });
    }
}
