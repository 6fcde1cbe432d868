using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>The operations-monitoring part of the model (domain.md §6): sites, devices, readings, daily totals, events, snapshots, alarms.</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<MonitoringSite> MonitoringSites => Set<MonitoringSite>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<DeviceReading> DeviceReadings => Set<DeviceReading>();

    public DbSet<DeviceDailyTotal> DeviceDailyTotals => Set<DeviceDailyTotal>();

    public DbSet<DeviceEvent> DeviceEvents => Set<DeviceEvent>();

    public DbSet<DeviceSnapshot> DeviceSnapshots => Set<DeviceSnapshot>();

    public DbSet<MonitoringAlarm> MonitoringAlarms => Set<MonitoringAlarm>();

    public DbSet<AlarmRule> AlarmRules => Set<AlarmRule>();

    public DbSet<AlarmCursor> AlarmCursors => Set<AlarmCursor>();

    partial void ConfigureMonitoring(ModelBuilder builder)
    {
        builder.Entity<MonitoringSite>(b =>
        {
            b.ToTable("monitoring_sites");
            b.Property(s => s.Name).HasMaxLength(100);
            b.Property(s => s.Address).HasMaxLength(200);
            b.Property(s => s.OrganisationPath).HasMaxLength(200);
            b.Property(s => s.AccountManagerId).HasMaxLength(64);
            b.HasIndex(s => s.CustomerId);
            b.HasIndex(s => s.OrganisationPath);
            b.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(s => ScopeIsSystem
                || (s.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || s.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || s.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<Device>(b =>
        {
            b.ToTable("devices");
            b.Property(d => d.Code).HasMaxLength(40);
            b.Property(d => d.Name).HasMaxLength(100);
            b.Property(d => d.Vendor).HasMaxLength(60);
            b.Property(d => d.Model).HasMaxLength(60);
            b.Property(d => d.SerialNumber).HasMaxLength(60);
            b.Property(d => d.FaultReason).HasMaxLength(200);
            b.Property(d => d.SecretHash).HasMaxLength(64);
            b.Property(d => d.SecretPrefix).HasMaxLength(16);
            b.Property(d => d.OrganisationPath).HasMaxLength(200);
            b.Property(d => d.AccountManagerId).HasMaxLength(64);
            b.HasIndex(d => d.Code).IsUnique();
            b.HasIndex(d => d.SiteId);
            b.HasIndex(d => new { d.Status, d.LastSeenAt });
            b.HasOne<MonitoringSite>().WithMany().HasForeignKey(d => d.SiteId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(d => d.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(d => ScopeIsSystem
                || (d.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || d.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || d.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<DeviceReading>(b =>
        {
            b.ToTable("device_readings");
            // The identity of a reading: sent twice, stored once.
            b.HasKey(r => new { r.DeviceId, r.Sequence });
            b.HasIndex(r => new { r.SiteId, r.Day });
            b.HasOne<Device>().WithMany().HasForeignKey(r => r.DeviceId).OnDelete(DeleteBehavior.Cascade);
            // Readings are narrow (tens of thousands a second): their scope is their site's.
            b.HasQueryFilter(r => ScopeIsSystem || MonitoringSites.Any(s => s.Id == r.SiteId));
        });

        builder.Entity<DeviceDailyTotal>(b =>
        {
            b.ToTable("device_daily_totals");
            b.HasKey(t => new { t.DeviceId, t.Day });
            b.Property(t => t.OrganisationPath).HasMaxLength(200);
            b.Property(t => t.AccountManagerId).HasMaxLength(64);
            b.HasIndex(t => new { t.SiteId, t.Day });
            b.HasIndex(t => new { t.CustomerId, t.Day });
            b.HasOne<Device>().WithMany().HasForeignKey(t => t.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(t => ScopeIsSystem
                || (t.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || t.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || t.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<DeviceEvent>(b =>
        {
            b.ToTable("device_events");
            b.Property(e => e.Detail).HasMaxLength(500);
            b.Property(e => e.OrganisationPath).HasMaxLength(200);
            b.Property(e => e.AccountManagerId).HasMaxLength(64);
            b.HasIndex(e => new { e.DeviceId, e.At });
            b.HasIndex(e => new { e.Kind, e.At });
            b.HasOne<Device>().WithMany().HasForeignKey(e => e.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(e => ScopeIsSystem
                || (e.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || e.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || e.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<DeviceSnapshot>(b =>
        {
            b.ToTable("device_snapshots");
            b.Property(s => s.Path).HasMaxLength(300);
            b.Property(s => s.Sha256).HasMaxLength(64);
            b.Property(s => s.OrganisationPath).HasMaxLength(200);
            b.Property(s => s.AccountManagerId).HasMaxLength(64);
            b.HasIndex(s => new { s.DeviceId, s.Sha256 }).IsUnique();
            b.HasIndex(s => new { s.DeviceId, s.TakenAt });
            b.HasIndex(s => new { s.SiteId, s.TakenAt });
            b.HasOne<Device>().WithMany().HasForeignKey(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(s => ScopeIsSystem
                || (s.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || s.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || s.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<MonitoringAlarm>(b =>
        {
            b.ToTable("monitoring_alarms");
            b.Property(a => a.RuleCode).HasMaxLength(40);
            b.Property(a => a.Title).HasMaxLength(120);
            b.Property(a => a.Detail).HasMaxLength(1000);
            b.Property(a => a.EvidenceBasePath).HasMaxLength(300);
            b.Property(a => a.EvidenceCurrentPath).HasMaxLength(300);
            b.Property(a => a.AcknowledgedBy).HasMaxLength(64);
            b.Property(a => a.ReviewedBy).HasMaxLength(64);
            b.Property(a => a.ReviewNote).HasMaxLength(500);
            b.Property(a => a.OrganisationPath).HasMaxLength(200);
            b.Property(a => a.AccountManagerId).HasMaxLength(64);
            b.Ignore(a => a.IsActive);
            // One active (open or acknowledged) alarm per device and kind.
            b.HasIndex(a => new { a.DeviceId, a.Kind }).IsUnique().HasFilter("\"Status\" IN (0, 1)").HasDatabaseName("ix_monitoring_alarms_active");
            b.HasIndex(a => new { a.Status, a.LastSeenAt });
            b.HasIndex(a => new { a.SiteId, a.Status });
            b.HasIndex(a => new { a.RuleCode, a.Status });
            b.HasOne<Device>().WithMany().HasForeignKey(a => a.DeviceId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(a => ScopeIsSystem
                || (a.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || a.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || a.CustomerId == ScopeCustomerId)));
        });

        // Threshold rules are the lender's configuration, not customer data: no scope filter (roles decide who edits them).
        builder.Entity<AlarmRule>(b =>
        {
            b.ToTable("alarm_rules");
            b.Property(r => r.Code).HasMaxLength(40);
            b.Property(r => r.Name).HasMaxLength(100);
            b.Property(r => r.UpdatedBy).HasMaxLength(64);
            b.HasIndex(r => r.Code).IsUnique();
            b.HasOne<MonitoringSite>().WithMany().HasForeignKey(r => r.SiteId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Device>().WithMany().HasForeignKey(r => r.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AlarmCursor>(b =>
        {
            b.ToTable("alarm_cursors");
            b.HasKey(c => c.Key);
            b.Property(c => c.Key).HasMaxLength(80);
            b.Property(c => c.Version).IsConcurrencyToken();
        });
    }
}
