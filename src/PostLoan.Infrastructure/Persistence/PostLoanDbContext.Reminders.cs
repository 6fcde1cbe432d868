using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Ledger.Reminders;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>The reminders part of the model (domain.md §3).</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<BorrowerNotice> BorrowerNotices => Set<BorrowerNotice>();

    partial void ConfigureReminders(ModelBuilder builder)
    {
        builder.Entity<BorrowerNotice>(b =>
        {
            b.ToTable("borrower_notices");
            b.Property(n => n.RecipientName).HasMaxLength(200);
            b.Property(n => n.Channel).HasMaxLength(40);
            b.Property(n => n.SentBy).HasMaxLength(64);
            b.Property(n => n.OrganisationPath).HasMaxLength(200);
            b.Property(n => n.AccountManagerId).HasMaxLength(64);
            b.HasIndex(n => new { n.LoanId, n.Period, n.Kind });
            b.HasIndex(n => new { n.IssuedOn, n.State });
            b.HasIndex(n => new { n.State, n.Deadline });
            b.HasIndex(n => n.OrganisationPath);
            b.HasOne<Loan>().WithMany().HasForeignKey(n => n.LoanId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(n => ScopeIsSystem
                || (n.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || n.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || n.CustomerId == ScopeCustomerId)));
        });
    }
}
