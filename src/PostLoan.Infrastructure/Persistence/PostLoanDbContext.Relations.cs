using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Relations;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Related parties (关联客户): the relations recorded between customers. Guarantees and groups stay in the ledger.</summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<CustomerRelation> CustomerRelations => Set<CustomerRelation>();

    partial void ConfigureRelations(ModelBuilder builder)
    {
        builder.Entity<CustomerRelation>(b =>
        {
            b.ToTable("customer_relations");
            b.Property(r => r.Evidence).HasMaxLength(500);
            b.Property(r => r.RecordedBy).HasMaxLength(64);
            b.Property(r => r.AnnualAmount).HasPrecision(18, 2);
            b.Property(r => r.Strength).HasPrecision(5, 4);
            b.Property(r => r.FromOrganisationPath).HasMaxLength(200);
            b.Property(r => r.FromAccountManagerId).HasMaxLength(64);
            b.Property(r => r.ToOrganisationPath).HasMaxLength(200);
            b.Property(r => r.ToAccountManagerId).HasMaxLength(64);
            b.HasIndex(r => new { r.FromCustomerId, r.Kind });
            b.HasIndex(r => new { r.ToCustomerId, r.Kind });
            b.HasIndex(r => r.Status);
            b.HasOne<Customer>().WithMany().HasForeignKey(r => r.FromCustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(r => r.ToCustomerId).OnDelete(DeleteBehavior.Restrict);
            // Visible only to whoever may see both customers: a link must not reveal a customer outside the scope.
            b.HasQueryFilter(r => ScopeIsSystem
                || (r.FromOrganisationPath.StartsWith(ScopePath) && r.ToOrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || (r.FromAccountManagerId == ScopeAccountManagerId && r.ToAccountManagerId == ScopeAccountManagerId))
                    && (ScopeCustomerId == null || (r.FromCustomerId == ScopeCustomerId && r.ToCustomerId == ScopeCustomerId))));
        });
    }
}
