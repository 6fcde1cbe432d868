using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Warning.Indicators;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Indicator inputs (指标库): financial statements, external events and the providers' polling cursors.</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<FinancialStatement> FinancialStatements => Set<FinancialStatement>();

    public DbSet<ExternalEvent> ExternalEvents => Set<ExternalEvent>();

    public DbSet<ExternalProviderCursor> ExternalProviderCursors => Set<ExternalProviderCursor>();

    partial void ConfigureIndicatorInputs(ModelBuilder builder)
    {
        builder.Entity<FinancialStatement>(b =>
        {
            b.ToTable("financial_statements");
            b.Ignore(s => s.IndicatorReference);
            b.Property(s => s.Revenue).HasPrecision(18, 2);
            b.Property(s => s.NetProfit).HasPrecision(18, 2);
            b.Property(s => s.OperatingCashFlow).HasPrecision(18, 2);
            b.Property(s => s.Receivables).HasPrecision(18, 2);
            b.Property(s => s.TotalAssets).HasPrecision(18, 2);
            b.Property(s => s.TotalLiabilities).HasPrecision(18, 2);
            b.Property(s => s.DebtRatio).HasPrecision(9, 2);
            b.Property(s => s.Source).HasMaxLength(200);
            b.Property(s => s.RecordedBy).HasMaxLength(64);
            b.Property(s => s.OrganisationPath).HasMaxLength(200);
            b.Property(s => s.AccountManagerId).HasMaxLength(64);
            // One statement per customer and period end: entering it again corrects it.
            b.HasIndex(s => new { s.CustomerId, s.PeriodEnd }).IsUnique();
            b.HasIndex(s => s.OrganisationPath);
            b.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(s => ScopeIsSystem
                || (s.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || s.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || s.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<ExternalEvent>(b =>
        {
            b.ToTable("external_events");
            b.Ignore(e => e.IndicatorReference);
            b.Ignore(e => e.IndicatorValue);
            b.Property(e => e.Provider).HasMaxLength(40);
            b.Property(e => e.ProviderReference).HasMaxLength(100);
            b.Property(e => e.EventType).HasMaxLength(60);
            b.Property(e => e.Title).HasMaxLength(200);
            b.Property(e => e.Amount).HasPrecision(18, 2);
            b.Property(e => e.Counterparty).HasMaxLength(200);
            b.Property(e => e.Court).HasMaxLength(100);
            b.Property(e => e.CaseNumber).HasMaxLength(100);
            b.Property(e => e.ReceivedBy).HasMaxLength(100);
            b.Property(e => e.OrganisationPath).HasMaxLength(200);
            b.Property(e => e.AccountManagerId).HasMaxLength(64);
            // A redelivered event is recognised by its provider's reference.
            b.HasIndex(e => new { e.Provider, e.ProviderReference }).IsUnique();
            b.HasIndex(e => new { e.CustomerId, e.EventDate });
            b.HasIndex(e => e.OrganisationPath);
            b.HasOne<Customer>().WithMany().HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(e => ScopeIsSystem
                || (e.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || e.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || e.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<ExternalProviderCursor>(b =>
        {
            b.ToTable("external_provider_cursors");
            b.HasKey(c => c.Provider);
            b.Property(c => c.Provider).HasMaxLength(40);
            b.Property(c => c.Cursor).HasMaxLength(200);
            b.Property(c => c.LastError).HasMaxLength(1000);
        });

        // The nightly ledger indicators read the payments of one value date (days since last payment, partial payments).
        builder.Entity<LoanTransaction>().HasIndex(t => t.ValueDate);
    }
}
