using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Warning.Indicators;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>The early-warning part of the model (domain.md §5).</summary>
public abstract partial class PostLoanDbContext
{
    /// <summary>The covering index customers' series are read (and packed) along (see <c>IndicatorSeriesPacker</c>).</summary>
    public const string IndicatorSeriesIndex = "ix_indicator_values_series";

    public DbSet<Indicator> Indicators => Set<Indicator>();

    public DbSet<IndicatorValue> IndicatorValues => Set<IndicatorValue>();

    public DbSet<WarningSignal> WarningSignals => Set<WarningSignal>();

    private void ConfigureWarning(ModelBuilder builder)
    {
        builder.Entity<Indicator>(b =>
        {
            b.ToTable("indicators");
            b.Property(i => i.Code).HasMaxLength(60);
            b.Property(i => i.NameZh).HasMaxLength(100);
            b.Property(i => i.NameEn).HasMaxLength(100);
            b.Property(i => i.Unit).HasMaxLength(20);
            b.Property(i => i.Description).HasMaxLength(500);
            b.HasIndex(i => i.Code).IsUnique();
        });

        builder.Entity<IndicatorValue>(b =>
        {
            b.ToTable("indicator_values");
            b.Property(v => v.Reference).HasMaxLength(100);
            b.Property(v => v.RecordedBy).HasMaxLength(64);
            b.Property(v => v.OrganisationPath).HasMaxLength(200);
            b.Property(v => v.AccountManagerId).HasMaxLength(64);
            // The identity of an observation: writing it again replaces it (idempotent imports and events).
            b.HasIndex(v => new { v.IndicatorId, v.CustomerId, v.Date, v.LoanId, v.Reference }).IsUnique();
            // The rule run's read: every series in (customer, indicator, date, id) order with its value, from the index alone.
            b.HasIndex(v => new { v.CustomerId, v.IndicatorId, v.Date, v.Id, v.Value }).HasDatabaseName(IndicatorSeriesIndex);
            b.HasIndex(v => new { v.Date, v.IndicatorId });
            b.HasOne<Indicator>().WithMany().HasForeignKey(v => v.IndicatorId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(v => v.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(v => ScopeIsSystem
                || (v.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || v.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || v.CustomerId == ScopeCustomerId)));
        });

        // Derived from indicator_values (triggers mark changed customers stale; IndicatorSeriesPacker repacks them).
        builder.Entity<PackedIndicatorSeries>(b =>
        {
            b.ToTable("indicator_series");
            b.HasKey(s => s.CustomerId);
            b.Property(s => s.CustomerId).ValueGeneratedNever();
        });

        builder.Entity<StaleIndicatorSeries>(b =>
        {
            b.ToTable("indicator_series_stale");
            b.HasKey(s => s.CustomerId);
            b.Property(s => s.CustomerId).ValueGeneratedNever();
        });

        builder.Entity<WarningSignal>(b =>
        {
            b.ToTable("warning_signals");
            b.Property(s => s.DedupKey).HasMaxLength(100);
            b.Property(s => s.Title).HasMaxLength(200);
            b.Property(s => s.Detail).HasMaxLength(2000);
            b.Property(s => s.AssignedToId).HasMaxLength(64);
            b.Property(s => s.OrganisationPath).HasMaxLength(200);
            b.Property(s => s.AccountManagerId).HasMaxLength(64);
            // One active signal per customer and rule (or origin, or device alarm): a repeat refreshes it.
            b.HasIndex(s => new { s.CustomerId, s.DedupKey }).IsUnique().HasFilter("\"IsActive\"");
            // A customer's signals, open and closed (the customer page, the borrower's own view): the dedup index above holds
            // only the active ones.
            b.HasIndex(s => s.CustomerId);
            b.HasIndex(s => new { s.Status, s.RaisedOn });
            b.HasIndex(s => s.AssignedToId);
            b.HasIndex(s => s.RuleId);
            // No index on OrganisationPath: the scope and organisation filters are prefix matches (StartsWith), which
            // neither SQLite (binary collation) nor PostgreSQL (a non-C collation, no text_pattern_ops) can answer from
            // one, and a first night paid for it on each of its 841,574 new signals.
            b.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
            // OrganisationId, like OrganisationPath, is the customer's organisation copied when the signal is raised (for the
            // scope and to find the supervisors); the reference is the customer's, which keeps its foreign key. A foreign key
            // and its index on the copy cost PostgreSQL a per-row check of each of a first night's 841,574 signals (about
            // 5 s), and no organisation is ever deleted.
            b.HasQueryFilter(s => ScopeIsSystem
                || (s.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || s.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || s.CustomerId == ScopeCustomerId)));
        });
    }
}
