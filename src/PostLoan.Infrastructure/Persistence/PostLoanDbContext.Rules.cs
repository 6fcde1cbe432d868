using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Warning rules: rules, versions, shadow hits, nightly run statistics and the refresh log (domain.md §5).</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<WarningRule> WarningRules => Set<WarningRule>();

    public DbSet<WarningRuleVersion> WarningRuleVersions => Set<WarningRuleVersion>();

    public DbSet<ShadowHit> ShadowHits => Set<ShadowHit>();

    public DbSet<RuleRun> RuleRuns => Set<RuleRun>();

    public DbSet<RuleSignalRefresh> RuleSignalRefreshes => Set<RuleSignalRefresh>();

    partial void ConfigureWarningRules(ModelBuilder builder)
    {
        builder.Entity<WarningRule>(b =>
        {
            b.ToTable("warning_rules");
            b.Property(r => r.Code).HasMaxLength(40);
            b.Property(r => r.NameZh).HasMaxLength(100);
            b.Property(r => r.NameEn).HasMaxLength(100);
            b.HasIndex(r => r.Code).IsUnique();
        });

        builder.Entity<WarningRuleVersion>(b =>
        {
            b.ToTable("warning_rule_versions");
            b.Property(v => v.Expression).HasMaxLength(4000);
            b.Property(v => v.Note).HasMaxLength(500);
            b.Property(v => v.AuthorId).HasMaxLength(64);
            b.Property(v => v.AuthorName).HasMaxLength(100);
            b.Property(v => v.ApprovedById).HasMaxLength(64);
            b.Property(v => v.ApprovedByName).HasMaxLength(100);
            // Scope lists as short delimited text: read with the version, never queried inside.
            b.Property(v => v.OrganisationIds).HasMaxLength(1000).HasConversion(
                v => string.Join(',', v.Select(i => i.ToString(CultureInfo.InvariantCulture))),
                s => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList(),
                ListComparer<int>());
            b.Property(v => v.ProductIds).HasMaxLength(1000).HasConversion(
                v => string.Join(',', v.Select(i => i.ToString(CultureInfo.InvariantCulture))),
                s => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList(),
                ListComparer<int>());
            b.Property(v => v.Industries).HasMaxLength(1000).HasConversion(
                v => string.Join('|', v),
                s => s.Split('|', StringSplitOptions.RemoveEmptyEntries).ToList(),
                ListComparer<string>());
            b.Property(v => v.CustomerKinds).HasMaxLength(20).HasConversion(
                v => string.Join(',', v.Select(k => ((int)k).ToString(CultureInfo.InvariantCulture))),
                s => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => (CustomerKind)int.Parse(k, CultureInfo.InvariantCulture)).ToList(),
                ListComparer<CustomerKind>());
            b.HasIndex(v => new { v.RuleId, v.Number }).IsUnique();
            b.HasIndex(v => v.State);
            b.HasOne<WarningRule>().WithMany().HasForeignKey(v => v.RuleId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ShadowHit>(b =>
        {
            b.ToTable("warning_shadow_hits");
            b.Property(h => h.OrganisationPath).HasMaxLength(200);
            b.Property(h => h.AccountManagerId).HasMaxLength(64);
            b.HasIndex(h => new { h.Date, h.RuleVersionId, h.CustomerId }).IsUnique();
            b.HasIndex(h => new { h.RuleVersionId, h.Date });
            b.HasOne<WarningRuleVersion>().WithMany().HasForeignKey(h => h.RuleVersionId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(h => ScopeIsSystem
                || (h.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || h.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || h.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<RuleRun>(b =>
        {
            b.ToTable("warning_rule_runs");
            b.HasIndex(r => new { r.Date, r.RuleVersionId }).IsUnique();
            b.HasIndex(r => new { r.RuleId, r.Date });
            b.HasOne<WarningRuleVersion>().WithMany().HasForeignKey(r => r.RuleVersionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<RuleSignalRefresh>(b =>
        {
            b.ToTable("warning_rule_refreshes");
            b.HasIndex(r => new { r.Date, r.SignalId }).IsUnique();
            b.HasOne<WarningSignal>().WithMany().HasForeignKey(r => r.SignalId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static ValueComparer<List<T>> ListComparer<T>() => new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        v => v.ToList());
}
