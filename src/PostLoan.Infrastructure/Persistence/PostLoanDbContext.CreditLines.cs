using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.CreditLines;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Credit lines (授信额度) and their dated changes, filtered by the customer's scope.</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<CreditLine> CreditLines => Set<CreditLine>();

    public DbSet<CreditLineChange> CreditLineChanges => Set<CreditLineChange>();

    partial void ConfigureCreditLines(ModelBuilder builder)
    {
        builder.Entity<CreditLine>(b =>
        {
            b.ToTable("credit_lines");
            b.Property(l => l.Code).HasMaxLength(40);
            b.Property(l => l.FrozenReason).HasMaxLength(500);
            b.Property(l => l.OrganisationPath).HasMaxLength(200);
            b.Property(l => l.AccountManagerId).HasMaxLength(64);
            b.HasIndex(l => l.Code).IsUnique();
            b.HasIndex(l => l.CustomerId);
            b.HasIndex(l => l.OrganisationPath);
            b.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<LoanProduct>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Organisation>().WithMany().HasForeignKey(l => l.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(l => ScopeIsSystem
                || (l.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || l.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || l.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<CreditLineChange>(b =>
        {
            b.ToTable("credit_line_changes");
            b.Property(c => c.Reason).HasMaxLength(1000);
            b.Property(c => c.ActorId).HasMaxLength(64);
            b.Property(c => c.ActorName).HasMaxLength(100);
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.Property(c => c.AccountManagerId).HasMaxLength(64);
            b.HasIndex(c => new { c.CreditLineId, c.Id });
            b.HasOne<CreditLine>().WithMany().HasForeignKey(c => c.CreditLineId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.CustomerId == ScopeCustomerId)));
        });
    }
}
